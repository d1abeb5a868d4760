"""Read-side selectors of the indicators domain: visibility (the embargo) is decided here."""
