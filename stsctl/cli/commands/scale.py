"""`stsctl scale`."""
