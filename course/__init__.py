"""Instructor tooling for *Deep Learning Fundamentals, from scratch*.

A thin layer over nbgrader: ``python -m course build | grade | check | demo``.
"""
