"""Partners: their administration, API keys, feed cursors, webhook deliveries
and webhook targets."""
