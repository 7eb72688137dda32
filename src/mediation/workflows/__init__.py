"""Declarative workflows: state graphs as data, validated when built."""
