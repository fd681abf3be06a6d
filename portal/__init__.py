"""Portail des achats responsables: the kernel.

Settings, database, identity, contract register, web plumbing, CLI and app factory.
"""
