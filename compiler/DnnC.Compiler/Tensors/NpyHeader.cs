using System.Globalization;

namespace DnnC.Compiler.Tensors;

/// <summary>
/// The three keys of a .npy header, parsed from its Python dict literal. Only the literal forms
/// NumPy writes are accepted: quoted strings, True/False, and tuples of integers.
/// </summary>
internal sealed record NpyHeader(string Descr, bool FortranOrder, IReadOnlyList<long> Shape)
{
    public static NpyHeader Parse(string path, string text)
    {
        var reader = new Reader(path, text);
        string? descr = null;
        bool? fortran = null;
        List<long>? shape = null;
        reader.Expect('{');
        while (!reader.TryConsume('}'))
        {
            string key = reader.QuotedString();
            reader.Expect(':');
            switch (key)
            {
                case "descr": descr = reader.QuotedString(); break;
                case "fortran_order": fortran = reader.Boolean(); break;
                case "shape": shape = reader.IntegerTuple(); break;
                default: throw reader.Error($"unexpected key '{key}'");
            }
            if (!reader.TryConsume(',')) { reader.Expect('}'); break; }
        }
        if (descr is null || fortran is null || shape is null)
            throw new TensorFileException(path, "the .npy header lacks 'descr', 'fortran_order' or 'shape'");
        return new NpyHeader(descr, fortran.Value, shape);
    }

    private sealed class Reader(string path, string text)
    {
        private int _pos;

        public TensorFileException Error(string what) =>
            new(path, $"malformed .npy header ({what}): {text.Trim()}");

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        public bool TryConsume(char c)
        {
            SkipSpace();
            if (_pos < text.Length && text[_pos] == c) { _pos++; return true; }
            return false;
        }

        public void Expect(char c)
        {
            if (!TryConsume(c)) throw Error($"expected '{c}'");
        }

        public string QuotedString()
        {
            SkipSpace();
            if (_pos >= text.Length || (text[_pos] != '\'' && text[_pos] != '"')) throw Error("expected a quoted string");
            char quote = text[_pos++];
            int end = text.IndexOf(quote, _pos);
            if (end < 0) throw Error("unterminated string");
            string value = text[_pos..end];
            _pos = end + 1;
            return value;
        }

        public bool Boolean()
        {
            SkipSpace();
            foreach (var (word, value) in new[] { ("True", true), ("False", false) })
                if (string.CompareOrdinal(text, _pos, word, 0, word.Length) == 0) { _pos += word.Length; return value; }
            throw Error("expected True or False");
        }

        public List<long> IntegerTuple()
        {
            Expect('(');
            var values = new List<long>();
            while (!TryConsume(')'))
            {
                values.Add(Integer());
                if (!TryConsume(',')) { Expect(')'); break; }
            }
            return values;
        }

        private long Integer()
        {
            SkipSpace();
            int start = _pos;
            if (_pos < text.Length && text[_pos] == '-') _pos++;
            while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) _pos++;
            // Python 2 headers may write long dimensions as 3L.
            string digits = text[start.._pos];
            if (_pos < text.Length && text[_pos] == 'L') _pos++;
            if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
                throw Error(digits.Length == 0 ? "expected an integer" : $"dimension {digits} does not fit in 64 bits");
            return value;
        }
    }
}
