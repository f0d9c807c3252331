"""Command-line commands of ``audarma``, one module per group."""
