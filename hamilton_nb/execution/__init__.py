"""Planning and running dataflows: plans, the runner, task executors for parallel blocks."""
