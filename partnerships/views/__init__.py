"""Server-rendered pages of the partnerships app (partner portal, NSI overview, knowledge)."""
