#pragma once
// `flamingo info`: where this installation finds its parts. Users read it when
// something is missing; the package tests use it to prove that an installed or
// unpacked copy finds everything under its own prefix.
int run_info();
