"""pymemcache (Debian's python3-pymemcache) against a server on 127.0.0.1:<port>.

Each check prints one line, "CHECK <name> ok" or "CHECK <name> FAILED: <what>", and the script
exits 1 if any check failed. Replies are asserted here, so a wrong reply names itself.
Usage: python3 pymemcache_round_trip.py <port> <key prefix>
"""
import sys

from pymemcache.client.base import Client

port = int(sys.argv[1])
p = sys.argv[2]
failed = []


def check(name, got, expected):
    if got == expected:
        print("CHECK %s ok" % name, flush=True)
    else:
        failed.append(name)
        print("CHECK %s FAILED: expected %r, got %r" % (name, expected, got), flush=True)


# noreply=False everywhere: pymemcache's default for storage commands is noreply, which would
# hide the server's answer.
c = Client(("127.0.0.1", port), connect_timeout=10, timeout=10, default_noreply=False)
try:
    check("set", c.set(p + "a", b"hello"), True)
    check("get", c.get(p + "a"), b"hello")
    check("get-miss", c.get(p + "missing"), None)
    value, cas = c.gets(p + "a")
    check("gets", value, b"hello")
    check("cas-stale", c.cas(p + "a", b"stale", int(cas) + 1), False)
    check("cas-fresh", c.cas(p + "a", b"fresh", cas), True)
    check("cas-result", c.get(p + "a"), b"fresh")
    check("cas-missing", c.cas(p + "missing", b"x", cas), None)
    check("set-counter", c.set(p + "n", b"41"), True)
    check("incr", c.incr(p + "n", 1), 42)
    check("decr", c.decr(p + "n", 50), 0)
    check("incr-missing", c.incr(p + "missing", 1), None)
    check("touch", c.touch(p + "a", 100), True)
    check("touch-missing", c.touch(p + "missing", 100), False)
    check("get-many", c.get_many([p + "a", p + "n", p + "missing"]), {p + "a": b"fresh", p + "n": b"0"})
    check("delete", c.delete(p + "a"), True)
    check("delete-result", c.get(p + "a"), None)
    check("delete-missing", c.delete(p + "a"), False)
    check("add", c.add(p + "a", b"again"), True)
    check("add-existing", c.add(p + "a", b"twice"), False)
    check("add-result", c.get(p + "a"), b"again")
    check("replace", c.replace(p + "a", b"replaced"), True)
    check("replace-missing", c.replace(p + "missing", b"x"), False)
    check("replace-result", c.get(p + "a"), b"replaced")
finally:
    c.close()

sys.exit(1 if failed else 0)
