# shellcheck shell=bash
# Debian 13 (trixie, stable): kernel 6.12 (honours ia32_emulation=), docker.io
# 26.1, podman 5.4, containerd 1.7, crun 1.21, selinux-policy-default
# 2:2.20250213 (ships the container, docker and podman modules).
# Sourced by lab/build-image.sh; its content is part of the image's stamp.
# shellcheck disable=SC2034 # read by build-image.sh
SUITE_RELEASE=13
# The docker CLI is its own package here; netavark 1.14 sets up container
# networks with nft (nftables); pasta (passt) is Podman 5's rootless network.
# shellcheck disable=SC2034
SUITE_PACKAGES=(docker-cli nftables passt)
