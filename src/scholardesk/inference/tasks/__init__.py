"""Task adapters: turn a user's file (image, WAV, text, .npy) into feeds and outputs into
results (labels, speech segments, transcripts)."""
