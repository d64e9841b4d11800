"""Speech stage: audio and call scripts in, partial and final transcripts out (no Qt)."""
