"""Pure text library: hygiene, language detection, segmentation and machine translation."""
