# Sourced by the scripts: pg_up answers whether PostgreSQL listens on
# 127.0.0.1:5432, starting the local cluster first if it is down.
pg_up() {
    if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
        return 0
    fi
    if command -v pg_ctlcluster >/dev/null; then
        echo "PostgreSQL is down; trying to start cluster 15/main"
        pg_ctlcluster --skip-systemctl-redirect 15 main start 2>/dev/null || true
        sleep 2
        pg_isready -q -h 127.0.0.1 -p 5432 && return 0
    fi
    return 1
}
