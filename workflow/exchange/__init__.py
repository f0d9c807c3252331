"""Interchange formats: XLIFF for CAT tools, TMX for translation memory."""
