# Sourced by the side-by-side scripts: an optimized BLAS for NumPy/SciPy/PyTorch without changing the system's
# default (other jobs share this machine): Debian's libopenblas0-pthread, put first on the library path for these
# runs only.
OPENBLAS_DIR=/usr/lib/x86_64-linux-gnu/openblas-pthread
if [ ! -e "$OPENBLAS_DIR/libblas.so.3" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y libopenblas0-pthread
  # keep the system-wide default BLAS as it was (installing switches the alternative)
  update-alternatives --set libblas.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/blas/libblas.so.3 || true
  update-alternatives --set liblapack.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3 || true
fi
export LD_LIBRARY_PATH="$OPENBLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
