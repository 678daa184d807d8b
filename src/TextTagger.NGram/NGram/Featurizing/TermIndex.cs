using System.Numerics;
using System.Runtime.InteropServices;

namespace TextTagger.NGram.Featurizing;

/// <summary>
/// A vocabulary's term → index map for scoring: an open-addressing table whose slots hold each term's first eight
/// UTF-16 chars inline, so a lookup of a short n-gram (every char_wb 2–5-gram, most words) touches one cache line.
/// A <see cref="Dictionary{TKey,TValue}"/> of strings touches three (bucket, entry, string) — with 300,000 terms, each a
/// cache miss, which made the char n-gram lookups most of the ensemble's n-gram cost. Longer terms are compared
/// against one shared char array. Read-only once built, so thread-safe.
/// </summary>
public sealed class TermIndex
{
    const int InlineChars = 8;

    [StructLayout(LayoutKind.Sequential)]
    struct Slot
    {
        public ulong Low, High;   // the term's chars 0–3 and 4–7, zero-padded
        public int Length;        // 0: an empty slot (the empty term is never a vocabulary term)
        public int Index;
    }

    readonly Slot[] _slots;
    readonly int _mask;
    readonly char[] _chars;      // every term, one after the other
    readonly int[] _starts;      // term i is _chars[_starts[i].._starts[i + 1]]

    /// <summary>Indexes <paramref name="terms"/> by position; a repeated or empty term is refused.</summary>
    public TermIndex(IReadOnlyList<string> terms, string what)
    {
        _starts = new int[terms.Count + 1];
        for (int i = 0; i < terms.Count; i++) _starts[i + 1] = _starts[i] + terms[i].Length;
        _chars = new char[_starts[^1]];
        for (int i = 0; i < terms.Count; i++) terms[i].CopyTo(_chars.AsSpan(_starts[i]));

        int size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, terms.Count * 2));   // at most half full
        _slots = new Slot[size];
        _mask = size - 1;
        for (int i = 0; i < terms.Count; i++)
        {
            if (terms[i].Length == 0) throw new TextTaggerException($"{what}: an empty term");
            if (IndexOf(terms[i]) >= 0) throw new TextTaggerException($"{what}: '{terms[i]}' twice");
            var (low, high) = Pack(terms[i]);
            int at = (int)Hash(low, high, terms[i]) & _mask;
            while (_slots[at].Length != 0) at = (at + 1) & _mask;
            _slots[at] = new Slot { Low = low, High = high, Length = terms[i].Length, Index = i };
        }
    }

    /// <summary>The term's index, or -1.</summary>
    public int IndexOf(ReadOnlySpan<char> term)
    {
        if (term.IsEmpty) return -1;
        var (low, high) = Pack(term);
        for (int at = (int)Hash(low, high, term) & _mask; ; at = (at + 1) & _mask)
        {
            ref readonly var slot = ref _slots[at];
            if (slot.Length == 0) return -1;
            if (slot.Low == low && slot.High == high && slot.Length == term.Length
                && (term.Length <= InlineChars || term[InlineChars..].SequenceEqual(_chars.AsSpan(_starts[slot.Index] + InlineChars, term.Length - InlineChars))))
                return slot.Index;
        }
    }

    static (ulong Low, ulong High) Pack(ReadOnlySpan<char> term)
    {
        ulong low = 0, high = 0;
        int n = Math.Min(term.Length, InlineChars);
        for (int i = 0; i < n; i++)
            if (i < 4) low |= (ulong)term[i] << (16 * i);
            else high |= (ulong)term[i] << (16 * (i - 4));
        return (low, high);
    }

    static ulong Hash(ulong low, ulong high, ReadOnlySpan<char> term)
    {
        ulong h = (low * 0x9E3779B97F4A7C15UL) ^ BitOperations.RotateLeft(high * 0xC2B2AE3D27D4EB4FUL, 31) ^ (ulong)term.Length;
        for (int i = InlineChars; i < term.Length; i++) h = (h ^ term[i]) * 0x100000001B3UL;
        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9UL;
        return h ^ (h >> 32);
    }
}
