"""The Compact's publications: the annual report (2007 edition, 5.3) with partners'
responses, frozen when published, and the open data download."""
