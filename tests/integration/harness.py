"""Integration test harness for Lunar: real server processes, raw-socket RESP clients.

Standard library only. A test module does

    import harness
    class TestThing(harness.DiffTest):
        def test_x(self):
            self.check("SET", "k", "v")
    if __name__ == "__main__":
        harness.main()

Environment:
  LUNAR_SERVER_BIN  the server binary under test (overrides everything below); pointing it at
                    /usr/bin/redis-server makes a redis-vs-redis run, which must pass.
  LUNAR_BUILD       the build directory (ctest sets it); the binary is <build>/bin/lunar-server.
  LUNAR_SOURCE      the repository root (ctest sets it); <root>/build is the fallback build.
  REDIS_SERVER_BIN  the reference server (default: redis-server on PATH, then /usr/bin).
  LUNAR_KEEP_LOGS   keep server logs (temp files) even when everything passed.
  LUNAR_DIFF_ALL    check() records a mismatch and goes on; the test fails at its end listing
                    every difference (instead of stopping at the first).

Servers run in a private temporary directory (so nothing they save lands in the tree), are
killed when the test process exits however it exits (atexit, and PR_SET_PDEATHSIG for a killed
parent), and their stdout/stderr go to a log file whose tail is printed when a test fails.
"""

import atexit
import ctypes
import difflib
import os
import pprint
import random
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

# ------------------------------------------------------------------------------------------------
# Locating binaries
# ------------------------------------------------------------------------------------------------

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("LUNAR_SOURCE") or os.path.dirname(os.path.dirname(HERE))


def build_dir():
    """The build directory: $LUNAR_BUILD, else <source>/build."""
    return os.environ.get("LUNAR_BUILD") or os.path.join(SOURCE_DIR, "build")


def lunar_bin():
    """The server under test: $LUNAR_SERVER_BIN, else <build>/bin/lunar-server."""
    return os.environ.get("LUNAR_SERVER_BIN") or os.path.join(build_dir(), "bin", "lunar-server")


def redis_bin():
    """The reference server: $REDIS_SERVER_BIN, else redis-server from PATH or /usr/bin."""
    return (os.environ.get("REDIS_SERVER_BIN") or shutil.which("redis-server")
            or "/usr/bin/redis-server")


def tool_bin(name):
    """A redis-tools binary (redis-cli, redis-benchmark), or None when not installed."""
    path = shutil.which(name) or f"/usr/bin/{name}"
    return path if os.path.exists(path) else None


def lunar_is_redis():
    """True when the 'lunar' under test is really a redis-server (harness self-test mode)."""
    return "redis" in os.path.basename(lunar_bin())


# ------------------------------------------------------------------------------------------------
# Server processes
# ------------------------------------------------------------------------------------------------

_live_servers = set()   # every Server not yet stopped; killed at exit
_session_dir = None     # one temp dir per test process; a subdir per server (cwd + log)
_failed_any = False     # set by main(); keeps logs when something failed


def free_port():
    """A TCP port that is free on 127.0.0.1 right now (random high range, probed by binding)."""
    for _ in range(200):
        port = random.randint(20000, 60000)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    raise RuntimeError("no free port found")


def session_dir():
    """The temp dir holding every server's dir and log in this process (removed at exit unless
    a test failed or LUNAR_KEEP_LOGS is set)."""
    global _session_dir
    if _session_dir is None:
        _session_dir = tempfile.mkdtemp(prefix="lunar-tests-")
    return _session_dir


def _die_with_parent():
    """preexec_fn: ask the kernel to SIGKILL the server if the test process dies."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class ServerError(RuntimeError):
    pass


class Server:
    """A server process on 127.0.0.1:port. Use as a context manager or call stop()."""

    def __init__(self, label, argv_base, extra_args, config_text=None, config_suffix=".toml",
                 password=None, start_timeout=15.0):
        self.label = label
        self.password = password
        self.dir = tempfile.mkdtemp(prefix=f"{label}-", dir=session_dir())
        self.log_path = os.path.join(self.dir, "server.log")
        self.proc = None
        last_err = None
        for _attempt in range(3):
            self.port = free_port()
            argv = list(argv_base)
            if config_text is not None:
                conf = os.path.join(self.dir, "server" + config_suffix)
                with open(conf, "w") as f:
                    f.write(config_text)
                argv.insert(1, conf)
            argv += ["--port", str(self.port)] + [str(a) for a in extra_args]
            self.argv = argv
            try:
                self._spawn(start_timeout)
                return
            except ServerError as e:
                last_err = e
                if "in use" not in self.log_tail().lower():
                    break
        raise last_err

    def _spawn(self, timeout):
        log = open(self.log_path, "ab")
        log.write(("$ " + " ".join(shlex.quote(a) for a in self.argv) + "\n").encode())
        log.flush()
        self.proc = subprocess.Popen(self.argv, cwd=self.dir, stdin=subprocess.DEVNULL, stdout=log,
                                     stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        log.close()
        _live_servers.add(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                _live_servers.discard(self)
                raise ServerError(f"{self.label} exited with {self.proc.returncode} at startup:\n"
                                  + self.log_tail())
            try:
                with Client(self.port, timeout=1.0) as c:
                    reply = c.call("PING")
                    if not reply.startswith(b"-LOADING"):
                        return
            except (OSError, ProtocolError):
                pass
            time.sleep(0.03)
        self.stop()
        raise ServerError(f"{self.label} did not answer PING within {timeout}s:\n"
                          + self.log_tail())

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def client(self, resp=2, **kw):
        """A new Client to this server (HELLO 3 sent first when resp=3; AUTH when password)."""
        return Client(self.port, resp=resp, password=self.password, **kw)

    def log_tail(self, lines=40):
        try:
            with open(self.log_path, "rb") as f:
                data = f.read().decode("utf-8", "replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(f"  [{self.label}] {l}" for l in data[-lines:])

    def rss_kb(self):
        """VmRSS of the server process in kB (from /proc)."""
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        """Kill the server (SIGTERM, then SIGKILL after 5 s). Safe to call twice."""
        if self.proc is None:
            return
        _live_servers.discard(self)
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def __repr__(self):
        return f"<Server {self.label} port={self.port} pid={self.proc and self.proc.pid}>"


NO_PERSISTENCE = ("--save", "", "--appendonly", "no")
LUNAR_DEFAULT_BIND = ("--bind", "127.0.0.1", "-::1")


def start_lunar(*args, config_text=None, password=None, persistence=False, timeout=15.0):
    """Starts the server under test with extra command-line args (and a TOML config if given).
    Unless persistence=True it runs with --save '' --appendonly no, like start_redis.
    When LUNAR_SERVER_BIN names a redis-server, config_text (TOML) is not supported (SkipTest).
    """
    binary = lunar_bin()
    if not os.path.exists(binary):
        raise ServerError(f"server binary not found: {binary} (build it, or set LUNAR_SERVER_BIN)")
    if lunar_is_redis() and config_text is not None:
        raise unittest.SkipTest("TOML config cannot be given to redis-server")
    if not persistence:
        args = NO_PERSISTENCE + args
    return Server("lunar", [binary], args, config_text=config_text, password=password,
                  start_timeout=timeout)


def start_redis(*args, config_text=None, password=None, persistence=False, timeout=15.0):
    """Starts the reference redis-server with extra command-line args (config_text is a
    redis.conf). Unless persistence=True it runs with --save '' --appendonly no."""
    if not persistence:
        args = NO_PERSISTENCE + args
    if "--bind" not in args and config_text is None:
        args = LUNAR_DEFAULT_BIND + args  # Lunar's default bind, which differs from Redis's
    return Server("redis", [redis_bin()], args, config_text=config_text, config_suffix=".conf",
                  password=password, start_timeout=timeout)


def _kill_all():
    for s in list(_live_servers):
        try:
            s.stop()
        except Exception:
            pass
    if _session_dir and not _failed_any and not os.environ.get("LUNAR_KEEP_LOGS"):
        shutil.rmtree(_session_dir, ignore_errors=True)


atexit.register(_kill_all)


def _sigterm(signum, frame):
    _kill_all()
    sys.exit(128 + signum)


try:
    signal.signal(signal.SIGTERM, _sigterm)
except ValueError:  # not imported from the main thread
    pass

# ------------------------------------------------------------------------------------------------
# RESP framing
# ------------------------------------------------------------------------------------------------


class ProtocolError(Exception):
    pass


_LINE_TYPES = b"+-:_#,("          # one line: simple, error, integer, null, boolean, double, bignum
_BLOB_TYPES = b"$!="              # length-prefixed: bulk, blob error, verbatim
_AGG_TYPES = b"*~>"               # count-prefixed aggregates: array, set, push
_PAIR_TYPES = b"%|"               # count-prefixed pairs: map, attribute


def frame_end(buf, pos=0):
    """End offset of the one complete RESP2/RESP3 reply starting at buf[pos], or None when buf
    does not hold all of it yet. An attribute (|) is part of the reply that follows it.
    Streamed strings ($?) and streamed aggregates (*?, %?, ~?) are understood too.
    Raises ProtocolError on bytes that are not RESP."""
    # Stack of pending element counts; -1 means "streamed aggregate: until '.'".
    stack = []
    n = len(buf)
    while True:
        if pos >= n:
            return None
        t = buf[pos]
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return None
        header = buf[pos + 1:eol]
        pos = eol + 2
        complete = True  # did this element finish a value (vs. open an aggregate)?
        if t in _LINE_TYPES:
            pass
        elif t in _BLOB_TYPES:
            if header == b"?":
                # streamed string: ;len\r\n data\r\n ... ;0\r\n
                while True:
                    eol = buf.find(b"\r\n", pos)
                    if eol < 0:
                        return None
                    if buf[pos:pos + 1] != b";":
                        raise ProtocolError(f"bad streamed chunk at {pos}: {buf[pos:pos+20]!r}")
                    ln = int(buf[pos + 1:eol])
                    pos = eol + 2
                    if ln == 0:
                        break
                    if n < pos + ln + 2:
                        return None
                    pos += ln + 2
            else:
                try:
                    ln = int(header)
                except ValueError:
                    raise ProtocolError(f"bad length {header!r}")
                if ln >= 0:
                    if n < pos + ln + 2:
                        return None
                    if buf[pos + ln:pos + ln + 2] != b"\r\n":
                        raise ProtocolError("bulk not terminated by CRLF")
                    pos += ln + 2
        elif t in _AGG_TYPES or t in _PAIR_TYPES:
            if header == b"?":
                stack.append(-1)
                complete = False
            else:
                try:
                    cnt = int(header)
                except ValueError:
                    raise ProtocolError(f"bad count {header!r}")
                if t in _PAIR_TYPES:
                    cnt *= 2
                if t == ord("|"):
                    # attribute: its pairs, then the value it annotates (one more element)
                    cnt += 1
                if cnt > 0:
                    stack.append(cnt)
                    complete = False
        elif t == ord("."):
            # end of a streamed aggregate
            if not stack or stack[-1] != -1:
                raise ProtocolError("unexpected '.'")
            stack.pop()
        elif t == ord(";"):
            raise ProtocolError("stray streamed-string chunk")
        else:
            raise ProtocolError(f"unknown RESP type byte {bytes([t])!r} in {buf[:60]!r}")
        if complete:
            while stack:
                if stack[-1] == -1:
                    break
                stack[-1] -= 1
                if stack[-1] > 0:
                    break
                stack.pop()
            if not stack:
                return pos


class Error(str):
    """A parsed error reply (its text without the leading '-' or '!')."""

    def __repr__(self):
        return f"Error({str.__repr__(self)})"


class Push(list):
    """A parsed RESP3 push frame."""

    def __repr__(self):
        return f"Push({list.__repr__(self)})"


class Verbatim(bytes):
    """A parsed RESP3 verbatim string; .format is its 3-letter format ('txt', 'mkd')."""
    format = "txt"


class Attributed:
    """A value that arrived with a RESP3 attribute (attrs is a dict-or-pairs)."""

    def __init__(self, attrs, value):
        self.attrs, self.value = attrs, value

    def __eq__(self, other):
        return isinstance(other, Attributed) and (self.attrs, self.value) == (other.attrs,
                                                                              other.value)

    def __repr__(self):
        return f"Attributed({self.attrs!r}, {self.value!r})"


def _freeze(v):
    if isinstance(v, list):
        return tuple(_freeze(x) for x in v)
    if isinstance(v, dict):
        return tuple((_freeze(k), _freeze(x)) for k, x in v.items())
    if isinstance(v, set):
        return frozenset(v)
    return v


def parse(raw):
    """Python value of one complete reply: bulk/verbatim -> bytes, simple -> str, error -> Error,
    integer/bignum -> int, double -> float, boolean -> bool, null -> None, array -> list,
    set -> set (list when elements are unhashable), map -> dict (keys frozen to tuples when they
    are aggregates), push -> Push, attribute -> Attributed."""
    try:
        value, end = _parse_at(raw, 0)
    except (ValueError, IndexError) as e:
        raise ProtocolError(f"malformed reply {raw[:60]!r}: {e}")
    if end != len(raw):
        raise ProtocolError(f"trailing bytes after reply: {raw[end:end+40]!r}")
    return value


def _parse_at(buf, pos):
    t = buf[pos:pos + 1]
    eol = buf.index(b"\r\n", pos)
    h = buf[pos + 1:eol]
    pos = eol + 2
    if t == b"+":
        return h.decode("utf-8", "replace"), pos
    if t == b"-":
        return Error(h.decode("utf-8", "replace")), pos
    if t == b":":
        return int(h), pos
    if t == b"(":
        return int(h), pos
    if t == b"_":
        return None, pos
    if t == b"#":
        return h == b"t", pos
    if t == b",":
        s = h.decode().lower()
        return float({"inf": "inf", "-inf": "-inf"}.get(s, s)), pos
    if t in (b"$", b"!", b"="):
        if h == b"?":
            parts = []
            while True:
                eol = buf.index(b"\r\n", pos)
                ln = int(buf[pos + 1:eol])
                pos = eol + 2
                if ln == 0:
                    break
                parts.append(buf[pos:pos + ln])
                pos += ln + 2
            data = b"".join(parts)
        else:
            ln = int(h)
            if ln < 0:
                return None, pos
            data = buf[pos:pos + ln]
            pos += ln + 2
        if t == b"!":
            return Error(data.decode("utf-8", "replace")), pos
        if t == b"=":
            v = Verbatim(data[4:])
            v.format = data[:3].decode()
            return v, pos
        return bytes(data), pos
    if t in (b"*", b"~", b">", b"%", b"|"):
        items = []
        if h == b"?":
            while buf[pos:pos + 1] != b".":
                v, pos = _parse_at(buf, pos)
                items.append(v)
            pos = buf.index(b"\r\n", pos) + 2
        else:
            cnt = int(h)
            if cnt < 0:
                return None, pos
            if t in (b"%", b"|"):
                cnt *= 2
            for _ in range(cnt):
                v, pos = _parse_at(buf, pos)
                items.append(v)
        if t == b"*":
            return items, pos
        if t == b">":
            return Push(items), pos
        if t == b"~":
            try:
                return set(_freeze(x) for x in items), pos
            except TypeError:
                return items, pos
        pairs = dict((_freeze(items[i]), items[i + 1]) for i in range(0, len(items), 2))
        if t == b"%":
            return pairs, pos
        value, pos = _parse_at(buf, pos)
        return Attributed(pairs, value), pos
    raise ProtocolError(f"unknown RESP type {t!r}")


def encode_command(*args):
    """The RESP multibulk encoding of a command; args are bytes, str, int or float."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, (bytes, bytearray, memoryview)):
            b = bytes(a)
        elif isinstance(a, str):
            b = a.encode()
        else:
            b = str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


def readable(raw, limit=2000):
    """A human-readable rendering of raw reply bytes: the parsed value and the raw bytes."""
    if raw is None:
        return "<no reply>"
    try:
        v = repr(parse(raw))
    except Exception:
        v = "<unparseable>"
    r = repr(raw)
    if len(r) > limit:
        r = r[:limit] + f"... ({len(raw)} bytes)"
    if len(v) > limit:
        v = v[:limit] + "..."
    return f"{v}\n      raw: {r}"


# ------------------------------------------------------------------------------------------------
# Client
# ------------------------------------------------------------------------------------------------


class ConnectionClosed(ProtocolError):
    """The server closed the connection (read returned EOF)."""


class Client:
    """A raw-socket RESP client. call() returns the raw bytes of exactly one reply."""

    def __init__(self, port, resp=2, host="127.0.0.1", timeout=10.0, password=None):
        self.port, self.resp = port, resp
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        if resp == 3:
            hello = ["HELLO", "3"] + (["AUTH", "default", password] if password else [])
            r = self.call(*hello)
            if r.startswith(b"-"):
                raise ProtocolError(f"HELLO 3 failed: {r!r}")
        elif password:
            r = self.call("AUTH", password)
            if r.startswith(b"-"):
                raise ProtocolError(f"AUTH failed: {r!r}")

    def settimeout(self, t):
        self.sock.settimeout(t)

    def send_raw(self, data):
        """Sends bytes exactly as given."""
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def send(self, *args):
        """Sends one command without reading its reply (for pipelines)."""
        self.sock.sendall(encode_command(*args))

    def _fill(self):
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionClosed("connection closed by server"
                                   + (f" (pending {bytes(self.buf)!r})" if self.buf else ""))
        self.buf += chunk

    def read_reply(self):
        """Raw bytes of the next complete reply (push frames included, as they come)."""
        while True:
            end = frame_end(self.buf)
            if end is not None:
                raw = bytes(self.buf[:end])
                del self.buf[:end]
                return raw
            self._fill()

    def call(self, *args):
        """Sends a multibulk command and returns the raw bytes of the one reply that follows."""
        self.send(*args)
        return self.read_reply()

    def call_parsed(self, *args):
        return parse(self.call(*args))

    def pipeline(self, cmds):
        """Sends all commands in one write, returns their raw replies in order."""
        self.sock.sendall(b"".join(encode_command(*c) for c in cmds))
        return [self.read_reply() for _ in cmds]

    def read_all_until_close(self, timeout=5.0):
        """Reads until the server closes the connection; returns everything read (buffer too).
        Raises socket.timeout when the server keeps the connection open past timeout."""
        self.sock.settimeout(timeout)
        data = bytes(self.buf)
        self.buf.clear()
        while True:
            try:
                chunk = self.sock.recv(1 << 16)
            except ConnectionResetError:
                return data
            if not chunk:
                return data
            data += chunk

    def is_closed_by_server(self, timeout=5.0):
        """True when the server closes the connection within timeout (pending data is drained)."""
        try:
            self.read_all_until_close(timeout)
            return True
        except socket.timeout:
            return False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


parse_reply = parse  # alias: Client.parse below, and for `from harness import parse_reply`
Client.parse = staticmethod(parse)

# ------------------------------------------------------------------------------------------------
# Normalizers: functions raw -> comparable value, for replies with volatile parts
# ------------------------------------------------------------------------------------------------


def shape(value):
    """The type skeleton of a parsed value: leaves become type names, aggregates keep structure.
    Used to compare replies whose contents differ by nature (TIME, COMMAND INFO...)."""
    if isinstance(value, Error):
        return "error"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "double"
    if isinstance(value, Verbatim):
        return "verbatim"
    if isinstance(value, bytes):
        return "bulk"
    if isinstance(value, str):
        return "simple"
    if value is None:
        return "null"
    if isinstance(value, Push):
        return ("push", [shape(v) for v in value])
    if isinstance(value, list):
        return [shape(v) for v in value]
    if isinstance(value, set):
        return ("set", len(value))
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, Attributed):
        return ("attr", shape(value.value))
    return type(value).__name__


def raw_shape(raw):
    """Normalizer: the shape() of a raw reply."""
    return shape(parse(raw))


def sorted_array(raw):
    """Normalizer: an array/set reply compared as a sorted list (order-free replies like KEYS)."""
    v = parse(raw)
    if isinstance(v, (list, set)):
        return sorted(v, key=repr)
    return v


def int_within(tolerance):
    """Normalizer factory for integers that drift with time (TTL, IDLETIME): rounds to buckets.
    Prefer DiffTest.check_close when a tolerance matters; this is for check_all lists."""
    def norm(raw):
        v = parse(raw)
        if isinstance(v, int) and v >= 0:
            return ("int~", v // max(1, tolerance))
        return v
    return norm


def info_fields(raw):
    """Normalizer for INFO-like text replies: {section: [field names]} (values dropped). Fields
    named lunar_* are Lunar's additions and are left out, so Redis's fields must all be there,
    in Redis's order."""
    v = parse(raw)
    text = v.decode() if isinstance(v, bytes) else str(v)
    out, section = {}, None
    for line in text.splitlines():
        if line.startswith("#"):
            section = line[1:].strip()
            out[section] = []
        elif ":" in line and section is not None:
            name = line.split(":", 1)[0]
            if not name.startswith("lunar_"):
                out[section].append(name)
    return out


def _map_leaves(value, fn):
    if isinstance(value, Push):
        return Push(_map_leaves(v, fn) for v in value)
    if isinstance(value, list):
        return [_map_leaves(v, fn) for v in value]
    if isinstance(value, dict):
        return {k: _map_leaves(v, fn) for k, v in value.items()}
    if isinstance(value, set):
        return {_map_leaves(v, fn) for v in value}
    if isinstance(value, Attributed):
        return Attributed(value.attrs, _map_leaves(value.value, fn))
    return fn(value)


def mask(*patterns, keep_type=True):
    """Normalizer factory: replaces every match of the regexes (str patterns) in each string leaf
    of the parsed reply by '*'. E.g. mask(r"(?<=id=)\\d+", r"(?<=age=)\\d+") for CLIENT LIST.
    With keep_type the RESP type byte of the reply is compared too (bulk vs verbatim...)."""
    regexes = [re.compile(p) for p in patterns]
    bregexes = [re.compile(p.encode()) for p in patterns]

    def leaf(v):
        if isinstance(v, Error):
            return v
        if isinstance(v, (bytes, bytearray)):
            t = type(v)
            for r in bregexes:
                v = r.sub(b"*", v)
            return v if t is bytes else (t.__name__, v)
        if isinstance(v, str):
            for r in regexes:
                v = r.sub("*", v)
            return v
        return v

    def norm(raw):
        v = _map_leaves(parse(raw), leaf)
        return (raw[:1], v) if keep_type else v
    return norm


def error_or_type(raw):
    """Normalizer: errors compared exactly, any other reply by its top-level RESP type byte only
    (for commands whose successful output is legitimately implementation-specific)."""
    if raw[:1] in (b"-", b"!"):
        return raw
    return ("ok", raw[:1])


def error_prefix(raw):
    """Normalizer: for errors, just the error code word (ERR, WRONGTYPE, ...); else the value."""
    v = parse(raw)
    if isinstance(v, Error):
        return ("error", v.split(" ", 1)[0])
    return v


# ------------------------------------------------------------------------------------------------
# Differential test base class
# ------------------------------------------------------------------------------------------------


def _split_cmd(cmd):
    if isinstance(cmd, (str,)):
        return shlex.split(cmd)
    return list(cmd)


def _fmt_cmd(args):
    parts = []
    for a in args:
        if isinstance(a, (bytes, bytearray)):
            s = bytes(a).decode("utf-8", "backslashreplace")
        else:
            s = str(a)
        if len(s) > 80:
            s = s[:77] + "..."
        parts.append(shlex.quote(s) if s else "''")
    return " ".join(parts)


def _diff_text(a, b, limit=40):
    """A unified diff of two (normalized) values' pretty-printed forms, for failure messages."""
    la = pprint.pformat(a, width=100).splitlines()
    lb = pprint.pformat(b, width=100).splitlines()
    if len(la) + len(lb) < 4:
        return ""
    d = list(difflib.unified_diff(la, lb, "lunar", "redis", lineterm="", n=1))
    if len(d) > limit:
        d = d[:limit] + [f"... ({len(d) - limit} more diff lines)"]
    return "\n  diff:\n" + "\n".join("    " + x for x in d)


class DiffTest(unittest.TestCase):
    """Runs the same commands against Lunar and Redis and compares the raw replies.

    One lunar and one redis server per test class (extra args in LUNAR_ARGS / REDIS_ARGS,
    LUNAR_CONFIG for a TOML config), persistent clients per protocol, FLUSHALL and SELECT 0
    before every test. A test that changes connection state (CLIENT REPLY, HELLO, AUTH, SELECT
    in a way it does not undo...) should use its own clients: self.lunar.client(),
    self.redis.client().
    """

    LUNAR_ARGS = ()
    REDIS_ARGS = ()
    LUNAR_CONFIG = None
    PASSWORD = None   # set when the servers run with requirepass (clients AUTH first)
    DEFAULT_RESP = 2

    lunar = None
    redis = None

    @classmethod
    def setUpClass(cls):
        cls._clients = {}
        cls.redis = start_redis(*cls.REDIS_ARGS, password=cls.PASSWORD)
        try:
            cls.lunar = start_lunar(*cls.LUNAR_ARGS, config_text=cls.LUNAR_CONFIG,
                                    password=cls.PASSWORD)
        except BaseException:
            cls.redis.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        for c in cls._clients.values():
            c.close()
        cls._clients = {}
        crashed = [s for s in (cls.lunar, cls.redis) if s is not None and not s.alive()]
        for s in (cls.lunar, cls.redis):
            if s is not None:
                s.stop()
        if crashed:
            global _failed_any
            _failed_any = True
            for s in crashed:
                sys.stderr.write(f"\n{s.label} died during {cls.__name__}; log tail:\n"
                                 f"{s.log_tail()}\n")

    def setUp(self):
        self._diffs = []  # mismatches collected when LUNAR_DIFF_ALL is set
        for key, c in list(self._clients.items()):
            try:
                c.call("SELECT", "0")
            except (OSError, ProtocolError):
                c.close()
                del self._clients[key]
        for s in (self.lunar, self.redis):
            self._server_alive(s)
            r = self.client(s, 2).call("FLUSHALL")
            self.assertEqual(r, b"+OK\r\n", f"FLUSHALL on {s.label} failed: {r!r}")

    def tearDown(self):
        if self._diffs:
            diffs, self._diffs = self._diffs, []
            raise self.failureException(f"{len(diffs)} differences:" + "".join(diffs))

    # --- plumbing -------------------------------------------------------------------------------

    def _server_alive(self, server):
        if not server.alive():
            self.fail(f"{server.label} is not running (exit {server.proc.returncode}); log tail:\n"
                      + server.log_tail())

    def client(self, server, resp):
        """The persistent client of a server for a protocol (2 or 3)."""
        key = (server.label, resp)
        c = self._clients.get(key)
        if c is None:
            c = server.client(resp=resp)
            self._clients[key] = c
        return c

    def drop_clients(self):
        """Closes the persistent clients (next use reconnects)."""
        for c in self._clients.values():
            c.close()
        self._clients.clear()

    def _call(self, server, resp, args):
        try:
            return self.client(server, resp).call(*args)
        except (OSError, ProtocolError) as e:
            self._clients.pop((server.label, resp), None)
            alive = server.alive()
            self.fail(f"{server.label}: {_fmt_cmd(args)} -> {type(e).__name__}: {e}"
                      + ("" if alive else
                         f"\n{server.label} died (exit {server.proc.returncode}); log tail:\n"
                         + server.log_tail()))

    # --- the API tests use ----------------------------------------------------------------------

    def both(self, *args, resp=None):
        """Sends one command to both servers; returns (lunar_raw, redis_raw)."""
        resp = resp or self.DEFAULT_RESP
        return self._call(self.lunar, resp, args), self._call(self.redis, resp, args)

    def both_parsed(self, *args, resp=None):
        """both(), parsed. Fails at once (showing both replies) when one side answered an error
        and the other did not, so custom comparisons only see like with like."""
        a, b = self.both(*args, resp=resp)
        if (a[:1] in (b"-", b"!")) != (b[:1] in (b"-", b"!")):
            self._compare(args, resp or self.DEFAULT_RESP, a, b, None, "(one side is an error)")
        return parse(a), parse(b)

    def check(self, *args, resp=None, normalize=None, msg=None):
        """Sends the command to both servers and asserts equal replies (raw bytes, or
        normalize(raw) when given). Returns the lunar reply, parsed."""
        resp = resp or self.DEFAULT_RESP
        lr, rr = self.both(*args, resp=resp)
        self._compare(args, resp, lr, rr, normalize, msg)
        return parse(lr)

    def _compare(self, args, resp, lr, rr, normalize, msg):
        if normalize is not None:
            ln, rn = normalize(lr), normalize(rr)
        else:
            ln, rn = lr, rr
        if ln != rn:
            text = (f"\nRESP{resp}> {_fmt_cmd(args)}\n"
                    f"  lunar: {readable(lr)}\n  redis: {readable(rr)}")
            if normalize is not None:
                text += f"\n  normalized lunar: {ln!r}\n  normalized redis: {rn!r}"
                text += _diff_text(ln, rn)
            if msg:
                text += f"\n  {msg}"
            if os.environ.get("LUNAR_DIFF_ALL"):
                self._diffs.append(text)
                return
            raise self.failureException(text)

    def check_resp3(self, *args, **kw):
        return self.check(*args, resp=3, **kw)

    def check_both_protocols(self, *args, **kw):
        """check() in RESP2 then in RESP3 (so the command runs twice on each server)."""
        self.check(*args, resp=2, **kw)
        return self.check(*args, resp=3, **kw)

    def check_all(self, cmds, resp=None, normalize=None):
        """check() each command in order. A command is a tuple/list of args or a string split
        like a shell line ("SET k 'a b'")."""
        for cmd in cmds:
            self.check(*_split_cmd(cmd), resp=resp, normalize=normalize)

    def check_close(self, *args, tolerance=1, resp=None):
        """For integer replies that drift with time (TTL...): equal type, and when both are
        integers, |lunar - redis| <= tolerance."""
        lr, rr = self.both(*args, resp=resp)
        lv, rv = parse(lr), parse(rr)
        if isinstance(lv, int) and isinstance(rv, int) and not isinstance(lv, bool):
            if abs(lv - rv) <= tolerance and (lv < 0) == (rv < 0):
                return lv
        self._compare(args, resp or self.DEFAULT_RESP, lr, rr, None,
                      f"(compared with tolerance {tolerance})")

    def check_shape(self, *args, resp=None):
        """Asserts both replies have the same shape() (types and structure, not contents)."""
        return self.check(*args, resp=resp, normalize=raw_shape)

    def check_sorted(self, *args, resp=None):
        """Asserts equal replies ignoring element order (KEYS, SMEMBERS...)."""
        return self.check(*args, resp=resp, normalize=sorted_array)

    # --- seeded random runs ---------------------------------------------------------------------

    def random_commands(self, generate, before=None):
        """A seeded random differential run: for LUNAR_RANDOM_SECONDS (default 4) sends the
        commands generate(rng) returns — a list of args, or (args, normalize) — each in RESP2 or
        RESP3 at random, and compares every reply; LUNAR_TEST_SEED picks the seed (default
        20240611) and a failure names the seed and the command's number. before(rng, n), when
        given, runs before each command (to change a config now and then). Returns the seed."""
        seed = int(os.environ.get("LUNAR_TEST_SEED", "20240611"))
        seconds = float(os.environ.get("LUNAR_RANDOM_SECONDS", "4"))
        rng = random.Random(seed)
        deadline = time.monotonic() + seconds
        n = 0
        while time.monotonic() < deadline:
            if before:
                before(rng, n)
            cmd = generate(rng)
            args, norm = cmd if isinstance(cmd, tuple) else (cmd, None)
            self.check(*args, resp=rng.choice([2, 3]), normalize=norm,
                       msg=f"seed {seed}, command #{n}")
            n += 1
        return seed

    # --- SCAN guarantee ---------------------------------------------------------------------------

    def check_scan_while_mutating(self, scan, add, remove, names_of):
        """The guarantee of HSCAN/SSCAN/ZSCAN on both servers: 300 elements present for the
        whole iteration are all returned while others are added (the table grows) and removed
        (it shrinks) between calls. scan, add, remove name the commands ("HSCAN", "HSET",
        "HDEL"); add(names) builds an add command's arguments after the key; names_of(items)
        gives the element names in one page."""
        for s in (self.lunar, self.redis):
            c = s.client()
            try:
                stable = [f"s{i}" for i in range(300)]
                c.call(add[0], "k", *add[1](stable))
                c.call(add[0], "k", *add[1]([f"t{i}" for i in range(1500)]))
                rng = random.Random(7)
                cursor, seen, calls, added = b"0", set(), 0, 0
                while True:
                    cursor, items = parse(c.call(scan, "k", cursor, "COUNT", "20"))
                    seen.update(names_of(items))
                    calls += 1
                    if calls % 3 == 0:  # remove a batch of transient elements
                        c.call(remove, "k", *[f"t{rng.randrange(1500)}" for _ in range(80)])
                    else:               # add a batch of new ones
                        c.call(add[0], "k", *add[1]([f"n{added + i}" for i in range(60)]))
                        added += 60
                    if cursor == b"0":
                        break
                    self.assertLess(calls, 10000)
                missing = [m for m in stable if m.encode() not in seen]
                self.assertEqual(missing, [], f"{s.label}: stable elements not returned")
            finally:
                c.call("DEL", "k")
                c.close()

    # --- keyspace events ------------------------------------------------------------------------

    def keyevents(self, server, run, end_key="zz-end"):
        """The (event, key) pairs a PSUBSCRIBE __keyevent@0__:* client of `server` receives
        while run(server) executes, up to the event on `end_key` (the last thing run must write
        it). notify-keyspace-events must be enabled (enable_keyevents)."""
        sub = server.client()
        try:
            sub.settimeout(5)
            sub.call("PSUBSCRIBE", "__keyevent@0__:*")
            run(server)
            events = []
            while not events or events[-1][1] != end_key:
                msg = parse(sub.read_reply())
                events.append((msg[2].split(b":", 1)[1].decode(), msg[3].decode()))
            return events
        finally:
            sub.close()

    def enable_keyevents(self):
        """Sets notify-keyspace-events KEA on both servers until the test ends."""
        for s in (self.lunar, self.redis):
            r = self._call(s, 2, ["CONFIG", "SET", "notify-keyspace-events", "KEA"])
            self.assertEqual(r, b"+OK\r\n", f"{s.label}: cannot enable notifications")
            self.addCleanup(self._call, s, 2, ["CONFIG", "SET", "notify-keyspace-events", ""])

    def check_keyevents(self, cmds):
        """Runs cmds (ending with a write to "zz-end") on both servers and asserts that they
        raise the same keyevents, in the same order."""
        self.enable_keyevents()

        def run(server):
            for cmd in cmds:
                self._call(server, 2, _split_cmd(cmd))
        self.assertEqual(self.keyevents(self.lunar, run), self.keyevents(self.redis, run))

    def setup_both(self, cmds, resp=None):
        """Runs setup commands on both servers, asserting only that the replies are equal."""
        self.check_all(cmds, resp=resp)

    def call_both(self, *args, resp=None):
        """Alias of both() for readability in setup code that ignores replies."""
        return self.both(*args, resp=resp)


# ------------------------------------------------------------------------------------------------
# Runner
# ------------------------------------------------------------------------------------------------


class _CountingResult(unittest.TextTestResult):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.passed = 0

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1


def main(argv=None):
    """Runs the calling module's tests (or the names given on the command line, e.g.
    TestKeys.test_del) and ends with the line 'N passed, M failed[, K skipped]'.
    Exits 1 when anything failed."""
    global _failed_any
    argv = sys.argv[1:] if argv is None else argv
    module = sys.modules["__main__"]
    loader = unittest.TestLoader()
    names = [a for a in argv if not a.startswith("-")]
    verbosity = 1 if "-q" in argv else 2
    if names:
        suite = loader.loadTestsFromNames(names, module)
    else:
        suite = loader.loadTestsFromModule(module)
    print(f"lunar: {lunar_bin()}\nredis: {redis_bin()}", flush=True)
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=verbosity,
                                     resultclass=_CountingResult)
    result = runner.run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    line = f"{result.passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    if failed:
        _failed_any = True
        if _session_dir:
            print(f"server logs kept in {_session_dir}/*/server.log")
    sys.stderr.flush()
    print(line, flush=True)
    _kill_all()
    sys.exit(1 if failed else 0)
