"""The study app's screens: Home, Study, Results, Stats, Help and the dialogs."""
