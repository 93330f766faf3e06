#!/usr/bin/env python3
"""An independent reader of TensorBoard event files, for the tests of engine/training/tensorboardEvents.ts.

It shares nothing with the writer: the TFRecord framing is read here, both masked CRC-32Cs are
checked with crcmod (Debian's python3-crcmod), and each record is decoded with the Event class
protoc generates from TensorFlow's own event.proto and summary.proto (tensorboardProto/, as
published in the tensorboard repository; python3-protobuf, protobuf-compiler).

Usage: readTensorboardEvents.py <folder of protoc's --python_out> <events file>...
Prints one JSON object: {path: [event, ...]} with, for each event, wall_time, step, which field of
its `what` oneof is set, file_version, the summary's tag -> simple_value, each value's kind, and
whether protoc's serializer makes the very same bytes again (so no field is misnumbered or unknown).
A framing or CRC error is printed on stderr and exits with status 2.
"""
import json
import struct
import sys

import crcmod.predefined
from google.protobuf.message import DecodeError

crc32c = crcmod.predefined.mkCrcFun('crc-32c')


def masked(data):
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def records(path):
    with open(path, 'rb') as file:
        data = file.read()
    at = 0
    index = 0
    while at < len(data):
        if at + 12 > len(data):
            raise ValueError(f'{path}: record {index}: truncated header at byte {at}')
        header = data[at:at + 8]
        (length,) = struct.unpack('<Q', header)
        (length_crc,) = struct.unpack('<I', data[at + 8:at + 12])
        if masked(header) != length_crc:
            raise ValueError(f'{path}: record {index}: length CRC mismatch at byte {at}')
        body = data[at + 12:at + 12 + length]
        if len(body) != length or at + 16 + length > len(data):
            raise ValueError(f'{path}: record {index}: truncated data at byte {at}')
        (data_crc,) = struct.unpack('<I', data[at + 12 + length:at + 16 + length])
        if masked(body) != data_crc:
            raise ValueError(f'{path}: record {index}: data CRC mismatch at byte {at}')
        yield body
        at += 16 + length
        index += 1


def main():
    sys.path.insert(0, sys.argv[1])
    from tensorboard.compat.proto import event_pb2

    out = {}
    for path in sys.argv[2:]:
        events = []
        for body in records(path):
            event = event_pb2.Event()
            event.ParseFromString(body)
            values = {}
            kinds = {}
            for value in event.summary.value:
                kinds[value.tag] = value.WhichOneof('value')
                values[value.tag] = value.simple_value
            events.append({
                'wall_time': event.wall_time,
                'step': event.step,
                'what': event.WhichOneof('what'),
                'file_version': event.file_version,
                'values': values,
                'kinds': kinds,
                'reencodes_identically': event.SerializeToString(deterministic=True) == body,
            })
        out[path] = events
    print(json.dumps(out))


if __name__ == '__main__':
    try:
        main()
    except (ValueError, DecodeError) as error:
        print(f'readTensorboardEvents: {error}', file=sys.stderr)
        sys.exit(2)
