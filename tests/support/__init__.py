"""Shared helpers of the test suite (not tests): paths, R golden designs, hostile inputs."""
