"""Services of the partnerships app: every write and every rule lives here."""
