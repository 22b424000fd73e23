#!/usr/bin/env python3
"""The Python peer of the benchmark: what an agent written in Python (as Vdsm was) does with the
same documents, using the standard library only.

- recover: ElementTree parse of libvirt's live XML, a walk of <devices>, the ovirt-vm group loaded
  into dicts (typed leaves, Vdsm's sub-keys), and each device bound to its entry through dict
  indexes (deviceId of a ua- alias, alias, guest address, then MAC / target dev / graphics type).
  Unlike Vdsm's own lookup (a scan of all entries per device), every lookup here is a dict access.
- xmlpickle-decode: the pyxmlpickle layout decoded over ElementTree (the `instance` document).
- descriptor-decode: the ovirt-vm group document loaded into dicts.
- restart (with --restart COUNT): COUNT recovers of the workload's live XML, every result held:
  the parsed document with the devices and their metadata, as an agent holds a VM (Vdsm's
  DomainDescriptor keeps the tree it parsed; the library's Domain keeps its document).

Usage: peer.py DIR WORKLOAD... [--budget-ms MS] [--min-samples N] [--ops OP,...] [--restart COUNT] [--check]
DIR holds WORKLOAD.live.xml, WORKLOAD.instance.xml and WORKLOAD.descriptor.xml (bench/run.ts writes
them). Prints JSON: {"python": version, "results": {workload: {op: median_ms}}, "counts": {...}}.
--check only decodes once per workload and prints the counts (for the unit test).
"""

import gc
import json
import platform
import statistics
import sys
import time
import xml.etree.ElementTree as ET

VM_NS = '{http://ovirt.org/vm/1.0}'
INSTANCE_NS = '{http://ovirt.org/vm/instance/1.0}'
USER_ALIAS_PREFIX = 'ua-'

# ---------------------------------------------------------------------------------------------
# The ovirt-vm group (Vdsm's descriptor layout)

FLAT_SUBKEYS = ('address', 'auth', 'custom', 'specParams', 'vm_custom')
LAYERED_SUBKEYS = ('volumeChain', 'hosts')
DEVICE_SUBKEYS = ('diskReplicate', 'change')


def local(tag):
    return tag[len(VM_NS):] if tag.startswith(VM_NS) else tag


def scalar(kind, text):
    """A typed leaf of either layout; None for a type name that is no scalar's."""
    if kind == 'str':
        return text
    if kind == 'int':
        return int(text)
    if kind == 'float':
        return float(text)
    if kind == 'bool':
        return text.lower() == 'true'
    return None


def leaf(el):
    kind = el.get('type', 'str')
    value = scalar(kind, el.text or '')
    if value is None:
        raise ValueError('unknown type hint %r in <%s>' % (kind, local(el.tag)))
    return value


def load_flat(el):
    return {local(child.tag): leaf(child) for child in el if len(child) == 0}


def load_device(el):
    data = {}
    for child in el:
        key = local(child.tag)
        if key in FLAT_SUBKEYS:
            data[key] = load_flat(child)
        elif key in LAYERED_SUBKEYS:
            data[key] = [load_flat(node) for node in child]
        elif key in DEVICE_SUBKEYS:
            data[key] = load_device(child)
        elif key == 'portMirroring':
            data[key] = [net.text or '' for net in child]
        elif len(child) == 0:
            data[key] = leaf(child)
    return data


def load_group(group):
    values, custom, devices = {}, {}, []
    for child in group:
        key = local(child.tag)
        if key == 'device':
            devices.append((dict(child.attrib), load_device(child)))
        elif key == 'custom':
            custom = load_flat(child)
        elif len(child) == 0:
            values[key] = leaf(child)
    return {'values': values, 'custom': custom, 'devices': devices}


# ---------------------------------------------------------------------------------------------
# Devices and binding


def address_key(attrs):
    """Attribute order ignored, numbers normalized (0x05 == 5)."""
    parts = []
    for k in sorted(attrs):
        v = str(attrs[k]).strip()
        if v == '':
            continue
        try:
            v = str(int(v, 16) if v.lower().startswith('0x') else int(v))
        except ValueError:
            pass
        parts.append((k, v))
    return tuple(parts) or None


def device_info(el):
    info = {'kind': el.tag, 'element': el, 'alias': None, 'address': None, 'key': None, 'meta': None}
    alias = el.find('alias')
    if alias is not None:
        info['alias'] = alias.get('name') or None
    address = el.find('address')
    if address is not None:
        info['address'] = address_key(address.attrib)
    if el.tag == 'interface':
        mac = el.find('mac')
        if mac is not None and mac.get('address'):
            info['key'] = ('mac', mac.get('address').lower())
    elif el.tag == 'disk':
        target = el.find('target')
        if target is not None and target.get('dev'):
            info['key'] = ('disk', target.get('dev'))
    elif el.tag == 'graphics':
        info['key'] = ('graphics', el.get('type'))
    return info


# Vdsm's convention: a device block's `name` is the target dev of a disk, the type of graphics,
# and the alias of every other kind.
NAME_IS_KEY = {'disk': 'disk', 'graphics': 'graphics'}


def index_entries(entries):
    by_id, by_alias, by_address, by_key = {}, {}, {}, {}
    for n, (attrs, data) in enumerate(entries):
        device_id = data.get('deviceId')
        if device_id:
            by_id.setdefault(str(device_id), n)
        devtype = attrs.get('devtype')
        name = attrs.get('name')
        alias = attrs.get('alias')
        if name and devtype in NAME_IS_KEY:
            by_key.setdefault((NAME_IS_KEY[devtype], name), n)
        elif name and not alias:
            alias = name
        if alias:
            by_alias.setdefault(alias, n)
            if alias.startswith(USER_ALIAS_PREFIX):
                by_id.setdefault(alias[len(USER_ALIAS_PREFIX):], n)
        mac = attrs.get('mac_address')
        if mac:
            by_key.setdefault(('mac', mac.lower()), n)
        address = data.get('address')
        if isinstance(address, dict):
            key = address_key(address)
            if key is not None:
                by_address.setdefault(key, n)
    return by_id, by_alias, by_address, by_key


def bind(devices, entries):
    """Each device takes the first entry a rule finds (ua- deviceId, alias, address, natural key)."""
    by_id, by_alias, by_address, by_key = index_entries(entries)
    used = set()
    for dev in devices:
        alias = dev['alias']
        candidates = (
            by_id.get(alias[len(USER_ALIAS_PREFIX):]) if alias and alias.startswith(USER_ALIAS_PREFIX) else None,
            by_alias.get(alias) if alias else None,
            by_address.get(dev['address']) if dev['address'] else None,
            by_key.get(dev['key']) if dev['key'] else None,
        )
        for n in candidates:
            if n is not None and n not in used:
                used.add(n)
                dev['meta'] = entries[n][1]
                break
    return used


def recover(text):
    """What an agent holds for a VM: the parsed document, its devices, its metadata."""
    root = ET.fromstring(text)
    group = root.find('metadata/' + VM_NS + 'vm')
    descriptor = load_group(group) if group is not None else {'values': {}, 'custom': {}, 'devices': []}
    devices = [device_info(el) for el in root.find('devices') if el.tag != 'emulator']
    bind(devices, descriptor['devices'])
    return root, devices, descriptor


# ---------------------------------------------------------------------------------------------
# xmlpickle (pyxmlpickle's layout, an empty str read as '' rather than pyxmlpickle's 'None')

ITEM = INSTANCE_NS + 'item'


def decode_node(node):
    kind = node.get('type').lower()
    if kind == 'dict':
        return {item.get('key'): decode_node(item) for item in node.findall(ITEM)}
    if kind in ('list', 'tuple', 'set'):
        items = [decode_node(item) for item in node.findall(ITEM)]
        return tuple(items) if kind == 'tuple' else set(items) if kind == 'set' else items
    value = scalar(kind, node.text or '')
    if value is None:
        raise ValueError('unknown type %r' % kind)
    return value


def xmlpickle_decode(text):
    root = ET.fromstring(text)
    return decode_node(root.find(INSTANCE_NS + 'value'))


def descriptor_decode(text):
    return load_group(ET.fromstring(text))


# ---------------------------------------------------------------------------------------------
# Timing (same scheme as bench/run.ts: a full collection before each operation, warm-up, batches
# of at least 1 ms, median per run)


def measure(fn, budget_ms, min_samples=5, max_samples=2000):
    gc.collect()
    start = time.perf_counter()
    runs = 0
    while True:
        fn()
        runs += 1
        warm = (time.perf_counter() - start) * 1000
        if runs >= 50 or warm >= budget_ms * 0.25:
            break
    per_run = warm / runs
    batch = max(1, round(1.0 / per_run)) if per_run > 0 else 1
    samples = []
    begin = time.perf_counter()
    while len(samples) < max_samples and (
        len(samples) < min_samples or (time.perf_counter() - begin) * 1000 < budget_ms
    ):
        t0 = time.perf_counter()
        for _ in range(batch):
            fn()
        samples.append((time.perf_counter() - t0) * 1000 / batch)
    return statistics.median(samples)


def restart(text, count, rounds=3):
    """An agent's restart: `count` recovers of the same domain, every result held; the median of
    `rounds` rounds, each after a warm-up and a full collection (same scheme as bench/memory.ts)."""
    for _ in range(min(count, 200)):
        recover(text)
    times = []
    for _ in range(rounds):
        gc.collect()
        t0 = time.perf_counter()
        held = [recover(text) for _ in range(count)]
        times.append((time.perf_counter() - t0) * 1000)
        del held
    return statistics.median(times)


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def main(argv):
    args = [a for a in argv if not a.startswith('--')]
    check = '--check' in argv
    budget_ms = 1000.0
    if '--budget-ms' in argv:
        budget_ms = float(argv[argv.index('--budget-ms') + 1])
        args.remove(argv[argv.index('--budget-ms') + 1])
    restart_count = 0
    min_samples = 5
    if '--min-samples' in argv:
        min_samples = int(argv[argv.index('--min-samples') + 1])
        args.remove(argv[argv.index('--min-samples') + 1])
    if '--restart' in argv:
        restart_count = int(argv[argv.index('--restart') + 1])
        args.remove(argv[argv.index('--restart') + 1])
    ops = ['recover', 'xmlpickle-decode', 'descriptor-decode']
    if '--ops' in argv:
        ops = argv[argv.index('--ops') + 1].split(',')
        args.remove(argv[argv.index('--ops') + 1])
    directory, names = args[0], args[1:]
    results, counts = {}, {}
    for name in names:
        live = read('%s/%s.live.xml' % (directory, name))
        instance = read('%s/%s.instance.xml' % (directory, name))
        descriptor = read('%s/%s.descriptor.xml' % (directory, name))
        if check:
            _, devices, desc = recover(live)
            counts[name] = {
                'devices': len(devices),
                'entries': len(desc['devices']),
                'bound': sum(1 for d in devices if d['meta'] is not None),
                'instance_devices': len(xmlpickle_decode(instance)['devices']),
                'descriptor_entries': len(descriptor_decode(descriptor)['devices']),
            }
            continue
        runs = {
            'recover': lambda: recover(live),
            'xmlpickle-decode': lambda: xmlpickle_decode(instance),
            'descriptor-decode': lambda: descriptor_decode(descriptor),
        }
        results[name] = {op: measure(runs[op], budget_ms, min_samples) for op in ops}
        if restart_count > 0:
            results[name]['restart'] = restart(live, restart_count)
        print('peer: %s done' % name, file=sys.stderr)
    json.dump({'python': platform.python_version(), 'results': results, 'counts': counts}, sys.stdout)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main(sys.argv[1:])
