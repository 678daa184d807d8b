using System.Text;
using TextTagger.Data;
using TextTagger.Tests.TestSupport;

namespace TextTagger.Tests.Data;

public class CsvDatasetReaderTests : IDisposable
{
    readonly TempFolder _folder = new();
    public void Dispose() => _folder.Dispose();

    const string Header = "id,comment_text,toxic,threat\n";

    [Fact]
    public void Reads_quoted_multiline_fields_escaped_quotes_bom_and_detects_label_columns()
    {
        string csv = "\uFEFFid,comment_text,source,toxic,threat\n" +
                     "a1,\"first line\nsecond, line with \"\"quotes\"\"\",wiki,1,0\n" +
                     "a2,plain,wiki,0,0\r\n" +
                     "a3,\"  \",wiki,1,1\n" +            // empty text: skipped with a warning
                     "a2,\"x\",wiki,0,1\n";              // duplicate id: kept with a warning
        var data = CsvDatasetReader.Load(_folder.File("in.csv", csv));

        Assert.Equal(["toxic", "threat"], data.LabelNames);
        Assert.Equal(3, data.Count);
        Assert.Equal("first line\nsecond, line with \"quotes\"", data.Rows[0].Text);
        Assert.Equal([1, 0], data.Rows[0].Labels);
        Assert.Equal(2, data.Rows[0].SourceLine);
        Assert.Equal(("a2", "plain", 4), (data.Rows[1].Id, data.Rows[1].Text, data.Rows[1].SourceLine));
        Assert.Equal([0, 1], data.Rows[2].Labels);
        Assert.Contains(data.Warnings, w => w.Contains("ignored column 'source'"));
        Assert.Contains(data.Warnings, w => w.Contains("skipped 1 row(s) with empty text (line 5)"));
        Assert.Contains(data.Warnings, w => w.Contains("'a2' (lines 4 and 6)"));
    }

    [Fact]
    public void Explicit_labels_and_text_column_choose_columns_and_order()
    {
        string csv = "body,threat,toxic,score\n\"hello\",0,1,7\n";
        var data = CsvDatasetReader.Load(_folder.File("in.csv", csv),
            new CsvLoadOptions { TextColumn = "body", Labels = ["toxic", "threat"] });
        Assert.Equal(["toxic", "threat"], data.LabelNames);
        Assert.Equal([1, 0], data.Rows[0].Labels);
        Assert.Null(data.Rows[0].Id);
    }

    public static TheoryData<string, string, string> BadFiles => new()
    {
        { "empty", "", "empty.csv: the file is empty" },
        { "header_only", Header, "header_only.csv: the file has a header but no rows with text" },
        { "no_header", "a1,hello,1,0\na2,bye,0,0\n", "no_header.csv:1: no header row: the first line looks like data" },
        { "no_text_column", "id,text,toxic\n1,hi,0\n", "no_text_column.csv:1: no text column 'comment_text' (columns: id, text, toxic); choose one with --text-column" },
        { "minus_one", Header + "a,ok,0,0\nb,bad,-1,0\n", "minus_one.csv:3: field 3 ('toxic'): label value '-1' is not 0 or 1" },
        { "half", Header + "a,\"two\nlines\",0,0\nb,bad,0,0.5\n", "half.csv:4: field 4 ('threat'): label value '0.5' is not 0 or 1" },
        { "yes", Header + "a,bad,yes,0\n", "yes.csv:2: field 3 ('toxic'): label value 'yes' is not 0 or 1" },
        { "no_labels", "id,comment_text,source\na,hi,wiki\n", "no_labels.csv:1: no label columns: no column besides 'comment_text' holds 0/1 values" },
        { "few_fields", Header + "a,ok,0,0\nb,short,1\n", "few_fields.csv:3: row has 3 field(s), the header has 4" },
        { "many_fields", Header + "a,ok,0,0,1\n", "many_fields.csv:2: row has 5 field(s), the header has 4" },
        { "unterminated", Header + "a,ok,0,0\nb,\"never closed,1,0\nc,more,0,0\n", "unterminated.csv:3: unterminated quoted field" },
        { "empty_cell_first_row", Header + "a,ok,,0\nb,bad,1,0\n", "empty_cell_first_row.csv:2: field 3 ('toxic'): the label cell is empty (expected 0 or 1)" },
        { "empty_cell_later", Header + "a,ok,0,0\nb,bad,1,\n", "empty_cell_later.csv:3: field 4 ('threat'): the label cell is empty (expected 0 or 1)" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Bad_input_is_reported_with_file_line_and_field(string name, string content, string expectedStart)
    {
        string path = _folder.File(name + ".csv", content);
        var error = Assert.Throws<DataFormatException>(() => CsvDatasetReader.Load(path));
        Assert.StartsWith(Path.Combine(_folder.Path, expectedStart), error.Message);
    }

    [Fact]
    public void A_label_value_other_than_0_or_1_in_a_named_label_column_is_an_error()
    {
        string path = _folder.File("yes.csv", Header + "a,bad,true,0\n");
        var error = Assert.Throws<DataFormatException>(() => CsvDatasetReader.Load(path, new CsvLoadOptions { Labels = ["toxic"] }));
        Assert.Equal($"{path}:2: field 3 ('toxic'): label value 'true' is not 0 or 1", error.Message);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Unknown_label_name_lists_the_columns()
    {
        string path = _folder.File("in.csv", Header + "a,ok,0,0\n");
        var error = Assert.Throws<DataFormatException>(() => CsvDatasetReader.Load(path, new CsvLoadOptions { Labels = ["toxic", "spam"] }));
        Assert.Equal($"{path}:1: label column 'spam' not found (columns: id, comment_text, toxic, threat)", error.Message);
    }

    [Fact]
    public void Invalid_utf8_is_located_by_line_and_column()
    {
        byte[] start = Encoding.UTF8.GetBytes(Header + "a,ok,0,0\nb,héllo ");
        byte[] content = [.. start, 0xFF, .. Encoding.UTF8.GetBytes("x,0,0\n")];
        string path = _folder.Bytes("latin.csv", content);
        var error = Assert.Throws<DataFormatException>(() => CsvDatasetReader.Load(path));
        Assert.Equal($"{path}:3:9: invalid UTF-8 (byte 0xFF); save the file as UTF-8", error.Message);
    }

    [Fact]
    public void A_utf8_sequence_cut_at_the_end_of_the_file_is_located()
    {
        byte[] start = Encoding.UTF8.GetBytes(Header + "a,ok,0,0\nb,caf");
        byte[] content = [.. start, 0xC3];   // the first byte of "é", and then the file ends
        string path = _folder.Bytes("cut.csv", content);
        var error = Assert.Throws<DataFormatException>(() => CsvDatasetReader.Load(path));
        Assert.StartsWith($"{path}:3:", error.Message);
        Assert.Contains("invalid UTF-8", error.Message);
    }

    [Fact]
    public void A_label_listed_twice_is_an_error()
    {
        string path = _folder.File("in.csv", Header + "a,ok,0,0\n");
        var error = Assert.Throws<DataFormatException>(() => CsvDatasetReader.Load(path, new CsvLoadOptions { Labels = ["toxic", "toxic"] }));
        Assert.Equal($"{path}:1: label column 'toxic' is listed twice", error.Message);
    }

    [Fact]
    public void Missing_file_and_folder_are_named()
    {
        string missing = _folder.Combine("nope.csv");
        Assert.Equal($"{missing}: file not found", Assert.Throws<DataFormatException>(() => CsvDatasetReader.Load(missing)).Message);
        Assert.Equal($"{_folder.Path}: is a folder, not a CSV file",
            Assert.Throws<DataFormatException>(() => CsvDatasetReader.Load(_folder.Path)).Message);
    }
}
