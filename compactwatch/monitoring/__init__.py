"""Is the Compact working? (2007 edition, section 5): the action plan, the annual review,
the year's work programme, indicators and the annual report."""
