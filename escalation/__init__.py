"""Difficulties that happen: cases that travel the playbook's contact chain to the shop manager."""
