"""The NSIs' standards: SDMX structures and data, code lists, reference metadata, DCAT-AP."""
