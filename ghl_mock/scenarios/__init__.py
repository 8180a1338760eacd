"""Scripted scenarios: files that replay error and fault sequences, isolated per session.

``model`` (what a file may say), ``loader`` (files → models, with file/field/reason errors),
``engine`` (which step answers a request, per session, atomically), ``actions`` (what a step
does to the response), ``middleware`` (where the engine meets the HTTP stack).
"""
