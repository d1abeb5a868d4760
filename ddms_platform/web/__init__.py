"""Web pages shared by every role: sign-in, role home pages, language switch."""
