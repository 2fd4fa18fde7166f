"""LibreOffice kept running, driven through UNO: the helper behind `converter.Converter`.

This file is run by the system's Python (the one LibreOffice's `python3-uno` is built for), not
imported by ptms: it uses only the standard library and `uno`. Usage:

    /usr/bin/python3 uno_helper.py SOFFICE DIR/profile

It starts `SOFFICE` headless with its own profile in DIR/profile (temporary files in DIR/tmp) and a private UNO pipe, then
answers one JSON line on stdout per JSON line read on stdin:

    -> {"src": "/abs/in.docx", "dst": "/abs/out.pdf", "filter": "writer_pdf_Export"}
    <- {"ok": true, "t": {...}}  |  {"error": "...", "dead": bool}

`t`: seconds LibreOffice spent waiting for this request since its previous answer (`idle`), loading
(`load`), exporting (`store`) and closing the document (`close`): `converter` adds them up.

The first line written is {"pid": N} (LibreOffice's process group), the second {"ready": true} (or
{"error": ...} and exit). `dead`: LibreOffice
was already gone before the document was opened (not the document's fault). On end of input, or
when the parent process dies (checked twice a second), LibreOffice's whole process group is killed
and its directory (profile, temporary files) is removed: nothing is left behind even if ptms is killed outright.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

START_TIMEOUT = 90.0  # seconds for LibreOffice to accept connections
_STOP: list = []  # the cleanup, run however main() ends


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    soffice, profile = sys.argv[1], sys.argv[2]
    parent = os.getppid()
    pipe = f"ptms{os.getpid()}x{int(time.time() * 1000)}"
    os.makedirs(profile, exist_ok=True)
    scratch = os.path.join(os.path.dirname(profile), "tmp")  # LibreOffice's temporary files: removed with the rest
    os.makedirs(scratch, exist_ok=True)
    proc = subprocess.Popen(
        [soffice, "-env:UserInstallation=file://" + profile, "--headless", "--invisible", "--nologo",
         "--norestore", "--nodefault", "--nolockcheck", "--nofirststartwizard",
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, env={**os.environ, "TMPDIR": scratch})
    reply({"pid": proc.pid})  # first: ptms can kill LibreOffice's process group from now on

    lock, stopped = threading.RLock(), []

    def stop():  # once, whichever of the main thread, the watchdog or SIGTERM comes first
        with lock:
            if stopped:
                return
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
            shutil.rmtree(os.path.dirname(profile), ignore_errors=True)
            # a killed LibreOffice leaves its pipe's socket file behind, in /tmp whatever TMPDIR says
            try:
                os.unlink(f"/tmp/OSL_PIPE_{os.getuid()}_{pipe}")
            except OSError:
                pass
            stopped.append(True)

    _STOP.append(stop)

    def watchdog():  # the parent died (killed outright): clean up and go
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                stop()
                os._exit(1)

    threading.Thread(target=watchdog, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: (stop(), os._exit(1)))

    try:
        import uno
        from com.sun.star.beans import PropertyValue
    except ImportError as exc:
        reply({"error": f"uno: {exc}"})
        stop()
        return 1

    def props(**kw):
        out = []
        for k, v in kw.items():
            p = PropertyValue()
            p.Name, p.Value = k, v
            out.append(p)
        return tuple(out)

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + START_TIMEOUT
    desktop = None
    while desktop is None:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception as exc:  # NoConnectException until LibreOffice listens
            # oosplash may restart LibreOffice once with a new profile (exit code 81): keep trying
            if time.monotonic() > deadline or (proc.poll() is not None and proc.returncode != 81):
                reply({"error": f"LibreOffice n'accepte pas de connexion ({type(exc).__name__})"})
                stop()
                return 1
            time.sleep(0.1)
    reply({"ready": True})
    last = time.monotonic()

    for line in sys.stdin:
        req = json.loads(line)
        t0 = time.monotonic()
        times = {"idle": round(t0 - last, 4)}  # LibreOffice waiting for ptms since its last answer
        if proc.poll() is not None:
            reply({"error": "LibreOffice s'est arrêté", "dead": True})
            continue
        doc = None
        try:
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(req["src"]), "_blank", 0,
                                               props(Hidden=True, ReadOnly=True, UpdateDocMode=0))
            if doc is None:
                raise RuntimeError("document illisible")
            t1 = time.monotonic()
            store = props(FilterName=req["filter"], Overwrite=True)
            if req.get("options"):  # PDF/A, tagged PDF…: the export filter's own options
                # a sequence of PropertyValue must be typed, and passed through uno.invoke to keep its type
                store += props(FilterData=uno.Any("[]com.sun.star.beans.PropertyValue", props(**req["options"])))
            uno.invoke(doc, "storeToURL", (uno.systemPathToFileUrl(req["dst"]), store))
            t2 = time.monotonic()
            doc, closing = None, doc
            closing.close(True)  # before answering: LibreOffice is idle when ptms sends the next one
            last = time.monotonic()
            times.update(load=round(t1 - t0, 4), store=round(t2 - t1, 4), close=round(last - t2, 4))
            reply({"ok": True, "t": times})
        except Exception as exc:
            if doc is not None:
                try:
                    doc.close(True)
                except Exception:
                    pass
            try:
                proc.wait(1)  # did LibreOffice die under this document?
            except subprocess.TimeoutExpired:
                pass
            msg = getattr(exc, "Message", "") or str(exc)
            reply({"error": f"{type(exc).__name__}: {msg}".strip().rstrip(":"), "dead": False,
                   "crashed": proc.poll() is not None})
            last = time.monotonic()
    # end of input: LibreOffice quits by itself, which removes its sockets in /tmp (a SIGKILL leaves
    # them there, two per run); whatever remains is killed by stop()
    try:
        desktop.terminate()
        proc.wait(10)
    except Exception:
        pass
    stop()
    return 0


def run():
    try:
        return main()
    except BrokenPipeError:  # ptms is gone: the cleanup below still runs
        return 1
    finally:
        for stop in _STOP:
            stop()


if __name__ == "__main__":
    sys.exit(run())
