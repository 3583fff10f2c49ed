"""Internal communication: whereabouts, leave, circulated documents, training, the manager's routine (R-IC, R-RP-6)."""
