#!/usr/bin/python3
"""Reference sequences for the Java ports of CPython `random` and NumPy `default_rng`.

Run with Debian's interpreter and python3-numpy:

    /usr/bin/python3 java/genbench/src/test/python/make_rng_fixtures.py \
        > java/genbench/src/test/resources/dev/genbench/protocol/rng-fixtures.json

The JSON it prints is committed, so the test suite runs without Python; the tests also run this
script live when /usr/bin/python3 with numpy is present and compare again (including the
"large" cases, which are only summarised by a SHA-256 digest of the comma-joined values).

The scikit-learn cases need python3-sklearn (1.2 in Debian 12).

The protocol cases replay the original's draws (SPEC 3.2, 3.3, 3.6) on a synthetic dataset
with the v1.0 shape: per split, the fake rows first (generator blocks in the order given),
then the real rows.
"""
import hashlib
import json
import random
import sys

import numpy as np


def digest(values):
    return hashlib.sha256(",".join(str(int(v)) for v in values).encode()).hexdigest()


def cpython_cases():
    cases = []
    for seed in [0, 1, 42, 1337, 1338, 1340, 1341, 2**32 - 1, 2**32, 2**32 + 5, 2**40 + 3, -7, 2**62 + 11]:
        r = random.Random(seed)
        uint32 = [r.getrandbits(32) for _ in range(8)]
        bits = {}
        for k in [1, 7, 31, 33, 52, 63]:
            r = random.Random(seed)
            bits[str(k)] = [r.getrandbits(k) for _ in range(4)]
        r = random.Random(seed)
        floats = [repr(r.random()) for _ in range(4)]
        r = random.Random(seed)
        below = [r._randbelow(n) for n in [1, 2, 3, 10, 1000, 144000, 2**31 - 1]]
        cases.append({"seed": seed, "uint32": uint32, "getrandbits": bits,
                      "random": floats, "randbelow": below})
    return cases


def sample_cases():
    out = []
    # (n, k) pairs on both sides of CPython's setsize rule (pool method when n <= setsize).
    for seed, n, k in [(1337, 10, 3), (1337, 21, 5), (1338, 22, 5), (1339, 40, 6), (1, 66, 10),
                       (2, 200, 10), (3, 1000, 300), (1341, 65557, 16000), (1342, 65558, 16000)]:
        r = random.Random(seed)
        population = list(range(100, 100 + n))
        result = r.sample(population, k)
        after = r.getrandbits(32)
        entry = {"seed": seed, "n": n, "k": k, "next_uint32": after}
        if k <= 300:
            entry["result"] = result
        else:
            entry["digest"] = digest(result)
        out.append(entry)
    return out


def shuffle_cases():
    out = []
    for seed, n in [(1341, 10), (1340, 37), (5, 1000)]:
        r = random.Random(seed)
        x = list(range(n))
        r.shuffle(x)
        out.append({"seed": seed, "n": n, "result": x})
    return out


def numpy_cases():
    out = []
    for seed in [0, 1, 1340, 4321, 2**32 + 9, 2**63 - 1]:
        rng = np.random.default_rng(seed)
        raw = [str(int(v)) for v in rng.bit_generator.random_raw(4)]
        perms = {}
        for n in [1, 2, 5, 17, 100]:
            perms[str(n)] = [int(v) for v in np.random.default_rng(seed).permutation(n)]
        big = np.random.default_rng(seed).integers(0, 2**40 + 7, size=4)
        out.append({"seed": seed, "raw_uint64": raw, "permutation": perms,
                    "integers_2p40p7": [str(int(v)) for v in big]})
    return out


def windows_v1(generator_names, fakes_per_generator, reals, windows):
    """The original's real-image draw per window (SPEC 3.2) on a synthetic train split."""
    labels = []
    for g in generator_names:
        labels += [g] * fakes_per_generator
    labels += [""] * reals
    available = set(i for i, g in enumerate(labels) if g == "")
    result = []
    for j, members in enumerate(windows):
        members = set(members)
        fakes = [i for i, g in enumerate(labels) if g in members]
        random.seed(1337 + j)
        chosen = random.sample(sorted(available), len(fakes))
        result.append(chosen + fakes)
        available -= set(chosen)
    return result


def evaluation_v1(generator_names, fakes_per_generator, reals, pairing_seed):
    """Balancing (equal counts: keep all), shuffle 1340, pairing (SPEC 3.3/3.4) on a synthetic split."""
    labels = []
    for g in generator_names:
        labels += [g] * fakes_per_generator
    labels += [""] * reals
    real = [i for i, g in enumerate(labels) if g == ""]
    fake = [i for i, g in enumerate(labels) if g != ""]
    if len(real) > len(fake):
        random.seed(1338)
        real = random.sample(real, len(fake))
    selected = real + fake
    perm = np.random.default_rng(1340).permutation(len(selected))
    shuffled = [selected[p] for p in perm]
    gens = [labels[i] for i in shuffled]
    a = [i for i, g in enumerate(gens) if g == ""]
    b = [i for i, g in enumerate(gens) if g != ""]
    random.seed(pairing_seed)
    random.shuffle(a)
    names = sorted(set(labels))
    pairing = [(shuffled[ra], names.index(gens[fb])) for fb, ra in zip(b, a)]
    pairing.sort()
    return shuffled, pairing


def protocol_cases():
    names = sorted(BENCHMARK)
    by_date = sorted(BENCHMARK, key=lambda g: (BENCHMARK[g], g))
    windows = [by_date[i:i + 4] for i in range(0, 36, 4)]
    train = windows_v1(names, 4000, 144000, windows)
    cumulative = []
    for j, w in enumerate(train):
        cumulative = w + cumulative
    shuffled, pairing_val = evaluation_v1(names, 1000, 36000, 1341)
    _, pairing_test = evaluation_v1(names, 1000, 36000, 1340)
    # A validation split with a surplus of reals exercises the 1338 balancing draw.
    shuffled_surplus, pairing_surplus = evaluation_v1(names[:3], 20, 100, 1341)
    return {
        "train_windows_continual_digest": [digest(w) for w in train],
        "train_window8_cumulative_digest": digest(cumulative),
        "train_window0_first10": train[0][:10],
        "validation_order_digest": digest(shuffled),
        "validation_order_first10": shuffled[:10],
        "validation_pairing_digest": digest([v for p in pairing_val for v in p]),
        "test_pairing_digest": digest([v for p in pairing_test for v in p]),
        "surplus_generators": names[:3],
        "surplus_order": shuffled_surplus,
        "surplus_pairing": [list(p) for p in pairing_surplus],
    }


def hf_small_case():
    """The original's lists for the committed fixture hf-small (src/test/js/make_hf_fixture.mjs) with its
    generators.csv, n_generators_per_window 2, cumulative: the loader's filtering and IDs, then SPEC 3.2-3.4."""
    catalogue = {"GenA": "2020-01-01", "GenB": "2020-06-01", "GenC": "2021-01-01", "GenD": "2021-06-01"}
    def split(per, wukong, reals):
        raw = [g for g in ["GenA", "GenB", "GenC", "GenD"] for _ in range(per)] + ["Wukong"] * wukong + [""] * reals
        ids = [i for i, g in enumerate(raw) if g in catalogue or g == ""]
        return [raw[i] for i in ids], ids
    train, train_ids = split(3, 2, 14)
    windows = [["GenA", "GenB"], ["GenC", "GenD"]]
    available = set(i for i, g in enumerate(train) if g == "")
    own = []
    for j, members in enumerate(windows):
        fakes = [i for i, g in enumerate(train) if g in members]
        random.seed(1337 + j)
        chosen = random.sample(sorted(available), len(fakes))
        own.append(chosen + fakes)
        available -= set(chosen)
    cumulative = [own[0], own[1] + own[0]]
    val, val_ids = split(2, 1, 8)
    real = [i for i, g in enumerate(val) if g == ""]
    fake = [i for i, g in enumerate(val) if g != ""]
    selected = real + fake  # equal counts: keep all (SPEC 12 #1)
    perm = np.random.default_rng(1340).permutation(len(selected))
    shuffled = [selected[p] for p in perm]
    gens = [val[i] for i in shuffled]
    names = sorted(set(val))
    result = {"train_window_ids": [[train_ids[p] for p in w] for w in cumulative],
              "evaluation_ids": [val_ids[p] for p in shuffled]}
    for stage, seed in [("validation", 1341), ("test", 1340)]:
        a = [i for i, g in enumerate(gens) if g == ""]
        b = [i for i, g in enumerate(gens) if g != ""]
        random.seed(seed)
        random.shuffle(a)
        result[stage + "_pairing"] = sorted([val_ids[shuffled[ra]], gens[fb]] for fb, ra in zip(b, a))
    return result


def sklearn_cases():
    """scikit-learn train_test_split(..., stratify=..., random_state=...) train parts (SPEC 3.3)."""
    from sklearn.model_selection import train_test_split
    out = []
    for seed, per_class, train_size in [
        (1338, [5, 5, 5], 6),          # equal remainders: the tie draw decides
        (1338, [3, 7, 11, 2], 9),
        (1339, [40, 13, 13, 13, 21], 50),
        (1338, [1000, 1000, 1000, 1000, 500, 1500], 3000),
        (7, [2, 2], 2),
    ]:
        labels = []
        for c, n in enumerate(per_class):
            labels += ["g%02d" % c] * n
        # Interleave classes so positions and classes are not aligned.
        r = random.Random(seed)
        r.shuffle(labels)
        items = list(range(500, 500 + len(labels)))
        train, _ = train_test_split(items, train_size=train_size, stratify=labels, random_state=seed)
        out.append({"seed": seed, "labels": [int(l[1:]) for l in labels], "train_size": train_size,
                    "train": [int(v) for v in train]})
    return out


def balancing_cases():
    """SPEC 3.3 with more fakes than reals (stratified balancing, seed 1338) and a validation subset (1339)."""
    from sklearn.model_selection import train_test_split
    labels = ["A"] * 30 + ["B"] * 17 + ["C"] * 9 + [""] * 20
    real = [i for i, g in enumerate(labels) if g == ""]
    fake = [i for i, g in enumerate(labels) if g != ""]
    sel_fake, _ = train_test_split(fake, train_size=len(real), stratify=[labels[i] for i in fake], random_state=1338)
    selected = real + list(sel_fake)
    gens = [labels[i] for i in selected]
    sub, _ = train_test_split(list(range(len(selected))), train_size=22, stratify=gens, random_state=1339)
    subset = [selected[i] for i in sub]
    perm = np.random.default_rng(1340).permutation(len(subset))
    return {"labels": labels, "balanced_no_subset": selected,
            "subset22_shuffled": [subset[p] for p in perm]}


# The benchmark's catalogue (SPEC 2), needed here only to lay out the synthetic v1.0 splits.
BENCHMARK = {
    "CycleGAN": "2017-03-30", "Cascaded Refinement Networks": "2017-07-28", "ProGAN": "2017-10-27",
    "StarGAN": "2017-11-24", "SN-PatchGAN": "2018-06-10", "BigGAN": "2018-09-28", "IMLE": "2018-11-29",
    "StyleGAN1": "2018-12-12", "GauGAN": "2019-03-18", "StyleGAN2": "2019-12-03", "DDPM": "2020-06-19",
    "CIPS": "2020-11-27", "VQGAN": "2020-12-17", "GANformer": "2021-03-01", "ADM": "2021-05-11",
    "StyleGAN3": "2021-06-23", "LaMa": "2021-09-15", "FaceSynthetics": "2021-09-30",
    "ProjectedGAN": "2021-11-01", "Palette": "2021-11-10", "VQ-Diffusion": "2021-11-29",
    "Denoising Diffusion GAN": "2021-12-16", "Glide": "2021-12-20", "Latent Diffusion": "2021-12-21",
    "Midjourney": "2022-02-01", "MAT": "2022-03-29", "Diffusion GAN (ProjectedGAN)": "2022-06-05",
    "Diffusion GAN (StyleGAN2)": "2022-06-06", "Stable Diffusion 1.4": "2022-08-22",
    "Stable Diffusion 1.5": "2022-10-20", "Stable Diffusion 2.1": "2022-12-07", "DeepFloyd IF": "2023-04-26",
    "Stable Diffusion XL 1.0": "2023-07-26", "DALL-E 3": "2023-09-20", "FLUX 1 Dev": "2024-08-01",
    "FLUX 1 Schnell": "2024-08-02",
}


if __name__ == "__main__":
    json.dump({
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "cpython": cpython_cases(),
        "sample": sample_cases(),
        "shuffle": shuffle_cases(),
        "numpy_default_rng": numpy_cases(),
        "protocol_v1": protocol_cases(),
        "hf_small": hf_small_case(),
        "sklearn_stratified": sklearn_cases(),
        "balancing": balancing_cases(),
    }, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")
