"""Live coaching: guide (set-up checks), capture (frame sources), window (display), recorder,
stats, session (the loop), launch (the real parts)."""
