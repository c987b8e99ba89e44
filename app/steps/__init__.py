"""The action step across visits: its life, its progress and the conversation on it."""
