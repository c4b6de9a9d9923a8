Attribute VB_Name = "GknbLauncher"
' gknb launcher: finds the engine, runs it hidden on this workbook, waits, shows its answer.
'
' Where the engine is looked for, in this order:
'   1. environment variable GKNB_ENGINE: full path of an exe, or a whole command line
'   2. workbook-level defined name GK_ENGINE (cover sheet, "engine path"): same meaning
'   3. the per-user install: %LOCALAPPDATA%\gknb\gknb-excel.exe
'   4. development: "<GKNB_PYTHON>" -m gknb.excel, else python.exe, pythonw.exe or py.exe
'      found on PATH (Microsoft Store aliases under \WindowsApps are skipped)
' A setting that names an existing python.exe/pythonw.exe/py.exe gets "-m gknb.excel" added.
'
' Command line (the arguments of xlwings' RunFrozenPython, so xw.Book.caller() works):
'   <engine> <check|fill|clear|export> [--force] --wb="<Workbook.Name>" --from_xl=1
'            --app="<Application.Path>\EXCEL.EXE" --hwnd=<Application.Hwnd>
' run as: cmd.exe /d /v:off /s /c "set "PYTHONIOENCODING=utf-8" & <that> 1>"<out>" 2>"<err>""
' in a hidden window, waiting for it. <out> and <err> are files in %TEMP%, read back as
' UTF-8 and deleted. The engine finds the live workbook through COM (Book.caller()).
'
' Exit code protocol (the engine's side is gknb.excel):
'   0     done. stdout holds a one-line summary, shown in an information box
'         (e.g. the check summary); nothing is shown when stdout is empty.
'   1     user error. stderr holds a Chinese message saying what to do (exclamation box).
'   3     confirmation needed (e.g. export while errors remain). stdout holds the question
'         (stderr if stdout is empty); on Yes the same command runs again with --force.
'   9009  cmd.exe could not find the engine program (a wrong GKNB_ENGINE/GK_ENGINE/...).
'   other failure: the exit code and stderr are shown (critical box).
'
' Before the engine runs, a workbook with unsaved changes is saved (unless read-only), so
' nothing typed is lost even if Excel had to be closed while waiting. A workbook that was
' never saved, or that was opened from a URL (OneDrive/SharePoint), is refused.
'
' ASCII only: Chinese text is written as \uXXXX escapes and decoded by Zh().
Option Explicit

Private Const ENGINE_EXE As String = "gknb-excel.exe"
Private Const EXIT_OK As Long = 0
Private Const EXIT_USER_ERROR As Long = 1
Private Const EXIT_CONFIRM As Long = 3
Private Const EXIT_NOT_FOUND As Long = 9009
Private Const MAX_MESSAGE As Long = 900

Public Function Zh(ByVal s As String) As String
    ' Decodes \uXXXX (4 hex digits) and \n in a literal; never pass it paths or user text.
    Dim i As Long, k As Long, n As Long, code As Long, r As String
    n = Len(s)
    i = 1
    Do While i <= n
        If Mid$(s, i, 2) = "\u" And i + 5 <= n Then
            code = 0
            For k = i + 2 To i + 5
                code = code * 16 + InStr(1, "0123456789abcdef", LCase$(Mid$(s, k, 1))) - 1
            Next k
            r = r & ChrW(code)
            i = i + 6
        ElseIf Mid$(s, i, 2) = "\n" Then
            r = r & vbLf
            i = i + 2
        Else
            r = r & Mid$(s, i, 1)
            i = i + 1
        End If
    Loop
    Zh = r
End Function

Public Function Title() As String
    Title = Zh("\u5e74\u62a5\u52a9\u624b") ' the add-in's name
End Function

Private Function Env(ByVal name As String) As String
    ' Unicode-safe environment lookup (Environ$ is ANSI in Excel).
    On Error Resume Next
    Env = CreateObject("WScript.Shell").Environment("Process").Item(name)
    If Err.Number <> 0 Then
        Err.Clear
        Env = Environ$(name)
    End If
End Function

Private Function FileExists(ByVal path As String) As Boolean
    On Error Resume Next
    FileExists = CreateObject("Scripting.FileSystemObject").FileExists(path)
End Function

Private Function Quoted(ByVal s As String) As String
    Quoted = """" & s & """"
End Function

Private Function Unquote(ByVal s As String) As String
    s = Trim$(s)
    If Len(s) >= 2 Then
        If Left$(s, 1) = """" And InStr(2, s, """") = Len(s) Then s = Mid$(s, 2, Len(s) - 2)
    End If
    Unquote = s
End Function

Private Function Clip(ByVal s As String) As String
    If Len(s) > MAX_MESSAGE Then s = Left$(s, MAX_MESSAGE) & " ..."
    Clip = s
End Function

Private Function FirstText(ByVal a As String, ByVal b As String) As String
    If Len(a) > 0 Then
        FirstText = a
    ElseIf Len(b) > 0 Then
        FirstText = b
    Else
        FirstText = Zh("\uff08\u7a0b\u5e8f\u6ca1\u6709\u7ed9\u51fa\u8bf4\u660e\uff09") ' (no text given)
    End If
End Function

Private Function NameSetting(ByVal name As String) As String
    ' The value of a workbook-level defined name: a cell, or a constant such as ="C:\x.exe".
    Dim nm As Object, v As Variant
    On Error Resume Next
    Set nm = ThisWorkbook.Names.Item(name)
    If nm Is Nothing Then Exit Function
    v = nm.RefersToRange.Value
    If Err.Number <> 0 Then
        Err.Clear
        v = Application.Evaluate(nm.RefersTo)
    End If
    If Err.Number = 0 And Not IsArray(v) Then
        If Not IsError(v) Then NameSetting = Trim$(CStr(v))
    End If
End Function

Private Function SettingCommand(ByVal setting As String) As String
    ' An existing file becomes a quoted path (a Python gets -m gknb.excel); anything else is
    ' taken as a command line as it is.
    Dim p As String, leaf As String
    p = Unquote(setting)
    If FileExists(p) Then
        leaf = LCase$(Mid$(p, InStrRev(p, "\") + 1))
        If leaf = "python.exe" Or leaf = "pythonw.exe" Or leaf = "py.exe" Then
            SettingCommand = Quoted(p) & " -m gknb.excel"
        Else
            SettingCommand = Quoted(p)
        End If
    Else
        SettingCommand = Trim$(setting)
    End If
End Function

Private Function PythonOnPath() As String
    Dim dirs As Variant, d As Variant, exe As Variant, p As String
    dirs = Split(Env("PATH"), ";")
    For Each exe In Array("python.exe", "pythonw.exe", "py.exe")
        For Each d In dirs
            p = Trim$(Replace(CStr(d), """", ""))
            If Len(p) > 0 And InStr(1, p, "\WindowsApps", vbTextCompare) = 0 Then
                If Right$(p, 1) <> "\" Then p = p & "\"
                If FileExists(p & exe) Then
                    PythonOnPath = p & exe
                    Exit Function
                End If
            End If
        Next d
    Next exe
End Function

Public Function FindEngine(ByRef looked As String) As String
    ' The engine's command line, or "" with `looked` listing every place that was tried.
    Dim s As String, p As String
    s = Env("GKNB_ENGINE")
    If Len(Trim$(s)) > 0 Then
        FindEngine = SettingCommand(s)
        Exit Function
    End If
    ' 1. environment variable GKNB_ENGINE: not set
    looked = Zh("1. \u73af\u5883\u53d8\u91cf GKNB_ENGINE\uff1a\u672a\u8bbe\u7f6e")
    s = NameSetting("GK_ENGINE")
    If Len(s) > 0 Then
        FindEngine = SettingCommand(s)
        Exit Function
    End If
    ' 2. defined name GK_ENGINE (cover sheet "engine path"): empty
    looked = looked & vbLf & Zh("2. \u5de5\u4f5c\u7c3f\u540d\u79f0 GK_ENGINE\uff08\u5c01\u9762" & _
        "\u201c\u5f15\u64ce\u8def\u5f84\u201d\uff09\uff1a\u672a\u586b\u5199")
    p = Env("LOCALAPPDATA") & "\gknb\" & ENGINE_EXE
    If FileExists(p) Then
        FindEngine = Quoted(p)
        Exit Function
    End If
    ' 3. <path>: does not exist
    looked = looked & vbLf & "3. " & p & Zh("\uff1a\u4e0d\u5b58\u5728")
    s = Env("GKNB_PYTHON")
    If Len(Trim$(s)) > 0 Then
        FindEngine = Quoted(Unquote(s)) & " -m gknb.excel"
        Exit Function
    End If
    p = PythonOnPath()
    If Len(p) > 0 Then
        FindEngine = Quoted(p) & " -m gknb.excel"
        Exit Function
    End If
    ' 4. development Python (GKNB_PYTHON, or python.exe/pythonw.exe/py.exe on PATH): not found
    looked = looked & vbLf & Zh("4. \u5f00\u53d1\u7528 Python\uff08\u73af\u5883\u53d8\u91cf " & _
        "GKNB_PYTHON\uff0c\u6216 PATH \u4e2d\u7684 python.exe\u3001pythonw.exe\u3001py.exe" & _
        "\uff09\uff1a\u672a\u627e\u5230")
End Function

Private Function ReadUtf8(ByVal path As String) As String
    Dim st As Object, s As String
    On Error Resume Next
    If Not FileExists(path) Then Exit Function
    Set st = CreateObject("ADODB.Stream")
    st.Type = 2 ' adTypeText
    st.Charset = "utf-8"
    st.Open
    st.LoadFromFile path
    s = st.ReadText(-1) ' adReadAll
    st.Close
    Do While Len(s) > 0
        If InStr(1, vbCr & vbLf & vbTab & " ", Right$(s, 1)) = 0 Then Exit Do
        s = Left$(s, Len(s) - 1)
    Loop
    ReadUtf8 = Replace(s, vbCrLf, vbLf)
End Function

Private Function RunEngine(ByVal engine As String, ByVal args As String, ByRef exitCode As Long, _
                           ByRef outText As String, ByRef errText As String) As Boolean
    ' Runs the engine hidden and waits; False (errText says why) if it could not be started.
    Dim sh As Object, fso As Object, tmpStem As String, outFile As String, errFile As String
    Dim cmdLine As String
    Set fso = CreateObject("Scripting.FileSystemObject")
    tmpStem = fso.BuildPath(fso.GetSpecialFolder(2), "gknb-" & fso.GetBaseName(fso.GetTempName()))
    outFile = tmpStem & ".out.txt"
    errFile = tmpStem & ".err.txt"
    cmdLine = "cmd.exe /d /v:off /s /c """ & "set ""PYTHONIOENCODING=utf-8"" & " & engine & " " & _
        args & " --wb=" & Quoted(ThisWorkbook.Name) & " --from_xl=1" & _
        " --app=" & Quoted(Application.Path & "\EXCEL.EXE") & _
        " --hwnd=" & CStr(Application.Hwnd) & _
        " 1>" & Quoted(outFile) & " 2>" & Quoted(errFile) & """"
    ' the engine is running, please wait...
    Application.StatusBar = Zh("\u5e74\u62a5\u52a9\u624b\u6b63\u5728\u8fd0\u884c\uff0c" & _
        "\u8bf7\u7a0d\u5019\u2026\u2026")
    On Error Resume Next
    Set sh = CreateObject("WScript.Shell")
    exitCode = sh.Run(cmdLine, 0, True)
    If Err.Number <> 0 Then
        errText = Err.Description
        Err.Clear
        RunEngine = False
    Else
        outText = ReadUtf8(outFile)
        errText = ReadUtf8(errFile)
        RunEngine = True
    End If
    fso.DeleteFile outFile, True
    fso.DeleteFile errFile, True
    Application.StatusBar = False
End Function

Private Function SaveFirst() As Boolean
    Dim why As String
    SaveFirst = True
    If ThisWorkbook.Saved Or ThisWorkbook.ReadOnly Then Exit Function
    On Error Resume Next
    ThisWorkbook.Save
    If Err.Number = 0 Then Exit Function
    why = Err.Description
    Err.Clear
    ' Saving failed: <why>. The engine can still work on what is open. Continue?
    SaveFirst = MsgBox(Zh("\u4fdd\u5b58\u5de5\u4f5c\u7c3f\u5931\u8d25\uff1a") & why & vbLf & vbLf & _
        Zh("\u5e74\u62a5\u52a9\u624b\u4ecd\u53ef\u5904\u7406\u5f53\u524d\u6253\u5f00\u7684" & _
        "\u5185\u5bb9\u3002\u662f\u5426\u7ee7\u7eed\uff1f"), vbYesNo + vbExclamation, Title()) = vbYes
End Function

Public Sub RunCommand(ByVal verb As String)
    ' Runs one engine command (check, fill, clear, export) on this workbook.
    Dim engine As String, looked As String, extra As String
    Dim exitCode As Long, outText As String, errText As String

    If LCase$(Left$(ThisWorkbook.FullName, 4)) = "http" Then
        ' Opened from a network location (OneDrive / SharePoint): <url>
        ' The add-in works on local files only; sync or download it and open it from there.
        MsgBox Zh("\u6b64\u5de5\u4f5c\u7c3f\u662f\u4ece\u7f51\u7edc\u4f4d\u7f6e\uff08OneDrive / " & _
            "SharePoint\uff09\u6253\u5f00\u7684\uff1a") & vbLf & ThisWorkbook.FullName & vbLf & vbLf & _
            Zh("\u5e74\u62a5\u52a9\u624b\u53ea\u80fd\u5904\u7406\u672c\u673a\u6587\u4ef6\u3002" & _
            "\u8bf7\u628a\u6587\u4ef6\u540c\u6b65\u6216\u4e0b\u8f7d\u5230\u672c\u673a\u6587\u4ef6" & _
            "\u5939\uff0c\u4ece\u672c\u673a\u8def\u5f84\u6253\u5f00\u540e\u518d\u8bd5\u3002"), _
            vbExclamation, Title()
        Exit Sub
    End If
    If Len(ThisWorkbook.Path) = 0 Then
        ' Save the workbook to a local folder first (File > Save As, type .xlsm), then click again.
        MsgBox Zh("\u8bf7\u5148\u628a\u5de5\u4f5c\u7c3f\u4fdd\u5b58\u5230\u672c\u673a\u6587\u4ef6" & _
            "\u5939\uff08\u6587\u4ef6 \u2192 \u53e6\u5b58\u4e3a\uff0c\u4fdd\u5b58\u7c7b\u578b\u9009" & _
            "\u201cExcel \u542f\u7528\u5b8f\u7684\u5de5\u4f5c\u7c3f (*.xlsm)\u201d\uff09\uff0c" & _
            "\u518d\u70b9\u51fb\u6309\u94ae\u3002"), vbExclamation, Title()
        Exit Sub
    End If

    engine = FindEngine(looked)
    If Len(engine) = 0 Then
        ' The engine was not found. Looked in: <list>. Run the installer, or enter the full
        ' path of gknb-excel.exe as "engine path" on the cover sheet.
        MsgBox Zh("\u627e\u4e0d\u5230\u5e74\u62a5\u52a9\u624b\u7a0b\u5e8f\u3002\u5df2\u67e5" & _
            "\u627e\u4ee5\u4e0b\u4f4d\u7f6e\uff1a") & vbLf & vbLf & looked & vbLf & vbLf & _
            Zh("\u8bf7\u8fd0\u884c\u5e74\u62a5\u52a9\u624b\u5b89\u88c5\u7a0b\u5e8f\uff1b\u5982" & _
            "\u679c\u88c5\u5728\u522b\u5904\uff0c\u8bf7\u5728\u5c01\u9762\u201c\u5f15\u64ce\u8def" & _
            "\u5f84\u201d\u4e2d\u586b\u5199 gknb-excel.exe \u7684\u5b8c\u6574\u8def\u5f84\u3002"), _
            vbExclamation, Title()
        Exit Sub
    End If

    If Not SaveFirst() Then Exit Sub

    Do
        If Not RunEngine(engine, verb & extra, exitCode, outText, errText) Then
            ' Could not start the engine: <reason>
            MsgBox Zh("\u65e0\u6cd5\u542f\u52a8\u5e74\u62a5\u52a9\u624b\uff1a") & vbLf & engine & _
                vbLf & vbLf & Clip(errText), vbCritical, Title()
            Exit Sub
        End If
        Select Case exitCode
        Case EXIT_OK
            If Len(outText) > 0 Then MsgBox Clip(outText), vbInformation, Title()
            Exit Sub
        Case EXIT_USER_ERROR
            MsgBox Clip(FirstText(errText, outText)), vbExclamation, Title()
            Exit Sub
        Case EXIT_CONFIRM
            If Len(extra) > 0 Then Exit Do ' asked again after --force: treat as a failure
            If MsgBox(Clip(FirstText(outText, errText)), vbYesNo + vbQuestion + vbDefaultButton2, _
                      Title()) <> vbYes Then Exit Sub
            extra = " --force"
        Case EXIT_NOT_FOUND
            ' Cannot run the engine program: <command>. Check GKNB_ENGINE, GKNB_PYTHON or the
            ' "engine path" on the cover sheet.
            MsgBox Zh("\u65e0\u6cd5\u8fd0\u884c\u5e74\u62a5\u52a9\u624b\u7a0b\u5e8f\uff1a") & vbLf & _
                engine & vbLf & vbLf & Zh("\u8bf7\u68c0\u67e5\u73af\u5883\u53d8\u91cf GKNB_ENGINE" & _
                "\u3001GKNB_PYTHON \u6216\u5c01\u9762\u201c\u5f15\u64ce\u8def\u5f84\u201d\u7684" & _
                "\u8bbe\u7f6e\u3002"), vbExclamation, Title()
            Exit Sub
        Case Else
            Exit Do
        End Select
    Loop
    ' The engine failed (exit code N): <stderr>
    MsgBox Zh("\u5e74\u62a5\u52a9\u624b\u8fd0\u884c\u51fa\u9519\uff08\u9000\u51fa\u4ee3\u7801 ") & _
        exitCode & Zh("\uff09\uff1a") & vbLf & Clip(FirstText(errText, outText)), vbCritical, Title()
End Sub

Public Function HelpSheet() As Object
    ' The help sheet: code name shtReadme, else the sheet named (shuo ming).
    Dim ws As Object
    For Each ws In ThisWorkbook.Worksheets
        If ws.CodeName = "shtReadme" Then
            Set HelpSheet = ws
            Exit Function
        End If
    Next ws
    On Error Resume Next
    Set HelpSheet = ThisWorkbook.Worksheets(Zh("\u8bf4\u660e"))
End Function

Public Sub ShowHelp()
    Dim ws As Object
    Set ws = HelpSheet()
    If ws Is Nothing Then
        ' The help sheet was not found; it may have been deleted or renamed.
        MsgBox Zh("\u627e\u4e0d\u5230\u201c\u8bf4\u660e\u201d\u5de5\u4f5c\u8868\uff0c\u5b83" & _
            "\u53ef\u80fd\u5df2\u88ab\u5220\u9664\u6216\u6539\u540d\u3002"), vbExclamation, Title()
        Exit Sub
    End If
    On Error Resume Next
    If ws.Visible <> -1 Then ws.Visible = -1 ' xlSheetVisible
    ws.Activate
    ws.Range("A1").Select
End Sub
