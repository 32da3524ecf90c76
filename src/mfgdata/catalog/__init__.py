"""The data library: register products, the status workflow, search, access grants, metering."""
