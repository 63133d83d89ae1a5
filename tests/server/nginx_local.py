#!/usr/bin/python3
"""deploy/nginx/quarter.conf under an nginx of our own, unprivileged, all in one folder.

  nginx_local.py start DIR TLS_PORT PLAIN_PORT [--conn-limit N] UPSTREAM_PORT...
  nginx_local.py stop DIR

The deploy file itself, with only its listen ports, upstream servers,
certificate paths (a certificate from deploy/make-test-cert.sh in DIR/tls) and,
with --conn-limit, the per-address connection cap replaced (every client of a
test or benchmark is 127.0.0.1).  nginx runs in the foreground of a child
process with its pid, logs and temporary files in DIR; as root, as the user
nobody.  Used by tests/server/test_scale_out.py and bench/scale_out.sh.
"""
import os
import re
import signal
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NGINX = "/usr/sbin/nginx"


def render(ngx, tls_port, plain_port, upstreams, conn_limit=None):
    conf = open(os.path.join(REPO, "deploy/nginx/quarter.conf"), encoding="utf-8").read()
    servers = [l for l in conf.splitlines() if re.match(r"\s*server 127\.0\.0\.1:\d+", l)]
    conf = conf.replace(servers[0], "\n".join(f"    server 127.0.0.1:{p} max_fails=2 fail_timeout=5s;"
                                              for p in upstreams))
    for l in servers[1:]:
        conf = conf.replace(l + "\n", "")
    conf = conf.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{tls_port} ssl http2;")
    conf = conf.replace("listen 80;", f"listen 127.0.0.1:{plain_port};")
    conf = conf.replace("/etc/quarter/tls/", f"{ngx}/tls/")
    if conn_limit:
        conf = conf.replace("limit_conn quarter_addr 64;", f"limit_conn quarter_addr {conn_limit};")
    return conf


def start(ngx, tls_port, plain_port, upstreams, conn_limit=None):
    """(Popen, `nginx -t` result); the certificate is DIR/tls/fullchain.pem"""
    os.makedirs(f"{ngx}/tmp", exist_ok=True)
    if not os.path.exists(f"{ngx}/tls/fullchain.pem"):
        subprocess.run(["bash", os.path.join(REPO, "deploy/make-test-cert.sh"), f"{ngx}/tls"], check=True,
                       capture_output=True)
    with open(f"{ngx}/quarter.conf", "w", encoding="utf-8") as f:
        f.write(render(ngx, tls_port, plain_port, upstreams, conn_limit))
    with open(f"{ngx}/nginx.conf", "w", encoding="utf-8") as f:
        f.write(f"""worker_processes 1;
worker_rlimit_nofile 8192;
pid {ngx}/nginx.pid;
error_log {ngx}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    access_log {ngx}/access.log;
    client_body_temp_path {ngx}/tmp/body;
    proxy_temp_path {ngx}/tmp/proxy;
    fastcgi_temp_path {ngx}/tmp/fastcgi;
    uwsgi_temp_path {ngx}/tmp/uwsgi;
    scgi_temp_path {ngx}/tmp/scgi;
    include {ngx}/quarter.conf;
}}
""")
    if os.path.exists(f"{ngx}/nginx.pid"):
        os.unlink(f"{ngx}/nginx.pid")
    cmd = [NGINX, "-p", ngx, "-c", f"{ngx}/nginx.conf", "-g", "daemon off;"]
    if os.geteuid() == 0:  # unprivileged all the same: as nobody, owning its folder
        d = os.path.dirname(ngx)
        while d not in ("/", ""):  # nobody must reach the folder
            os.chmod(d, os.stat(d).st_mode | 0o011)
            d = os.path.dirname(d)
        subprocess.run(["chown", "-R", "nobody", ngx], check=True)
        cmd = ["runuser", "-u", "nobody", "--"] + cmd
    t = subprocess.run(cmd[:-2] + ["-t"], capture_output=True, text=True)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(f"{ngx}/nginx.err", "w"),
                            start_new_session=True)
    for _ in range(100):
        if os.path.exists(f"{ngx}/nginx.pid") and open(f"{ngx}/nginx.pid").read().strip():
            break
        time.sleep(0.05)
    return proc, t


def stop(ngx, proc=None):
    try:
        os.kill(int(open(f"{ngx}/nginx.pid").read().strip()), signal.SIGQUIT)
    except (OSError, ValueError):
        pass
    if proc:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    else:
        for _ in range(150):
            if not os.path.exists(f"{ngx}/nginx.pid"):
                break
            time.sleep(0.1)


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "start":
        args = sys.argv[5:]
        limit = None
        if args[:1] == ["--conn-limit"]:
            limit, args = int(args[1]), args[2:]
        p, t = start(os.path.abspath(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), [int(a) for a in args], limit)
        if t.returncode != 0:
            sys.exit("nginx -t: " + t.stderr)
        print(p.pid)
    elif len(sys.argv) == 3 and sys.argv[1] == "stop":
        stop(os.path.abspath(sys.argv[2]))
    else:
        sys.exit(__doc__)
