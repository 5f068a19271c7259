#!/bin/sh
echo "init {{ not templated }}"
