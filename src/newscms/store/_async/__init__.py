"""Internals of the async face (``newscms.store.asyncio``): the coroutine repositories."""
