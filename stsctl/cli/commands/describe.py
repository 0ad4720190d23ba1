"""`stsctl describe`."""
