"""The working calendar: working hours, breaks, holidays and make-up workdays, and working-time arithmetic."""
