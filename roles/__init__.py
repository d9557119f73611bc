"""The org chart and its playbook: departments, posts, who holds them, duties and difficulties."""
