# gpupool images. NOT BUILT in this project's CI (no Docker engine there): the tarball it unpacks is
# checked by .ci/dist-check.sh, this file only by reading. Build context: the repository root.
#
# Target `gpupool` (the default): the binary distribution on Debian 12 with libjpeg-turbo and libwebp.
#   ./gpupool dist                                   # dist/gpupool-VERSION-linux-x86_64.tar.gz
#   docker build -t gpupool:0.1.0 --build-arg VERSION=0.1.0 .
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/work" gpupool:0.1.0 thumbnails photos/ -o thumbs
#   docker run --rm --gpus all gpupool:0.1.0 devices      # GPUs through the NVIDIA Container Toolkit
# Needs BuildKit (the default builder since Docker 23): it skips the stage a target does not use; the
# legacy builder would build (and pull the base of) the `spark` stage too.
#
# Target `spark`: the Spark executor/driver image native-setup.md refers to (REGISTRY/gpupool-spark).
# Apache publishes Spark images for Java 17 and 21 only, and gpupool needs Java 25, so the base is a
# Spark image you build from Spark's own distribution on eclipse-temurin:25-jre (see native-setup.md):
#   spark-4.2.0-bin-hadoop3/bin/docker-image-tool.sh -t 4.2.0-java25 -b java_image_tag=25-jre build
#   mvn -B -pl spark -am package -DskipTests         # spark/target/gpupool-spark.jar
#   docker build --target spark -t REGISTRY/gpupool-spark:0.1.0 --build-arg SPARK_IMAGE=spark:4.2.0-java25 .
# That image's JVM is the base's full Java 25 (Spark needs far more modules than the tarball's runtime).

ARG VERSION=0.1.0
ARG SPARK_IMAGE=spark:4.2.0-java25

FROM ${SPARK_IMAGE} AS spark
USER root
# Ubuntu (eclipse-temurin's base) calls the TurboJPEG library package libturbojpeg, Debian libturbojpeg0.
RUN apt-get update \
 && (apt-get install -y --no-install-recommends libturbojpeg0 || apt-get install -y --no-install-recommends libturbojpeg) \
 && apt-get install -y --no-install-recommends libwebp7 \
 && rm -rf /var/lib/apt/lists/*
# The application jar (gpupool and its codecs, Spark left out) and the GPU discovery script, where the
# spark-submit lines of native-setup.md expect them: local:///opt/gpupool/gpupool-spark.jar.
COPY spark/target/gpupool-spark.jar spark/scripts/gpu-discovery.sh /opt/gpupool/
RUN chmod 755 /opt/gpupool/gpu-discovery.sh
# libcuda.so.1 and nvidia-smi come from the host's driver through the NVIDIA device plugin / toolkit.
ENV NVIDIA_DRIVER_CAPABILITIES=compute,utility
# Spark's images run as uid 185 and start through /opt/entrypoint.sh; both kept.
USER 185

FROM debian:bookworm-slim AS gpupool
ARG VERSION
# OPENCL=1 adds the OpenCL ICD loader under the name JOCL opens (libOpenCL.so, only in
# ocl-icd-opencl-dev on Debian) and an ICD entry for NVIDIA's OpenCL library, which the NVIDIA
# Container Toolkit mounts from the host. CUDA, the usual GPU path, needs neither.
ARG OPENCL=0
RUN apt-get update \
 && apt-get install -y --no-install-recommends libturbojpeg0 libwebp7 \
 && if [ "$OPENCL" = 1 ]; then \
      apt-get install -y --no-install-recommends ocl-icd-opencl-dev \
      && mkdir -p /etc/OpenCL/vendors && echo libnvidia-opencl.so.1 > /etc/OpenCL/vendors/nvidia.icd; \
    fi \
 && rm -rf /var/lib/apt/lists/*
# ADD unpacks a local tarball and keeps its modification times, which the start-up cache
# (lib/gpupool.aot) checks; were they lost, gpupool would only start slower.
ADD dist/gpupool-${VERSION}-linux-x86_64.tar.gz /opt/
RUN ln -s /opt/gpupool-${VERSION} /opt/gpupool \
 && ln -s /opt/gpupool/bin/gpupool /usr/local/bin/gpupool \
 && /opt/gpupool/bin/gpupool --version \
 && useradd --create-home --uid 10001 gpupool
COPY spark/scripts/gpu-discovery.sh /opt/gpupool/gpu-discovery.sh
ENV NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility
USER gpupool
WORKDIR /work
ENTRYPOINT ["/opt/gpupool/bin/gpupool"]
CMD ["--help"]
