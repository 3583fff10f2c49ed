"""The filing pages: the list of due and outstanding filings, one filing's editor and approval actions, its A4
print, .xlsx and PDF, the yearly sampling check list and the company's deadline setting."""
