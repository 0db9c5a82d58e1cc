# shellcheck shell=bash
# Debian 12 (bookworm, oldstable): kernel 6.1, docker.io 20.10, podman 4.3,
# selinux-policy-default 2:2.20221101 (no container, docker or podman module:
# the selinux role builds them from selinux-policy-src).
# Sourced by lab/build-image.sh; its content is part of the image's stamp.
# shellcheck disable=SC2034 # read by build-image.sh
SUITE_RELEASE=12
# shellcheck disable=SC2034
SUITE_PACKAGES=()
