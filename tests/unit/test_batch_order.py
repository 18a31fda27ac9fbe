"""A folder's files are listed as a file manager lists them."""

from hdr_core.batch import in_name_order


def test_numbers_in_file_names_sort_by_value_not_by_character():
    names = ["scan-10.png", "scan-2.png", "scan-1.png"]
    assert sorted(names, key=in_name_order) == ["scan-1.png", "scan-2.png", "scan-10.png"]


def test_case_does_not_split_the_listing():
    assert sorted(["b.png", "A.png", "c.png"], key=in_name_order) == ["A.png", "b.png", "c.png"]


def test_a_subfolders_files_stay_together_in_its_place():
    names = ["scans/z.png", "scans/2024/b.png", "scans/a.png", "scans/2024/a.png", "scans/2025.png"]
    assert sorted(names, key=in_name_order) == ["scans/2024/a.png", "scans/2024/b.png", "scans/2025.png",
                                                "scans/a.png", "scans/z.png"]


def test_names_mixing_digits_and_letters_in_any_order_can_be_compared():
    names = ["a.png", "a1.png", ".png", "10b.png", "1.png"]  # a number is never compared with text: no TypeError
    assert sorted(names, key=in_name_order)[:2] == ["1.png", "10b.png"]  # names opening with a number first
