"""Documents drawn for people: the month's report for the board."""
