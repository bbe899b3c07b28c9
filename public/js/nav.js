// Menu groups (progressive enhancement).
