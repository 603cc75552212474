# Read by gunicorn from the working directory (the Dockerfile's and docker-compose's commands, the
# benchmarks): every line of its access and error logs passes the personal-data mask.
logger_class = "boss.serverlog.MaskingGunicornLogger"
