"""Classroom sessions: a teacher runs a bank with a class, live or self-paced.

`state` and `db` are the pure core (no web framework); `server` is the FastAPI app,
`dashboard` the teacher's Textual UI and `client` the student's. Only the `quiz class`
command imports this package, so fastapi and uvicorn never load with the study app.
"""
