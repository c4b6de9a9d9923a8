<#
.SYNOPSIS
    Acceptance check of 政府信息公开年报助手 on a Windows PC: the template in real Excel, every
    ribbon button, save and reopen, the argument/result-file protocol, and the 发送到 path.

.DESCRIPTION
    For whoever has a Windows PC with Excel (zh-CN Windows preferred), once per release:

        powershell -NoProfile -ExecutionPolicy Bypass -File installer\verify-windows.ps1

    It works on a copy of the template in a folder named with Chinese, spaces, & % ^ ! and a
    character outside GBK, and prints a pass/fail table. Steps:
      engine-args   gknb-excel.exe started by WScript.Shell's Run exactly as the VBA starts it
                    (arguments quoted by the VBA's rule, Arg()), answering in a UTF-16 result
                    file: the hostile workbook name must arrive unchanged;
      sendto-*      gknb-excel.exe --sendto check|fill|export on the closed copy (marked in
                    place with a backup, totals, Word file), and "请先关闭" while it is open;
      excel-*       (needs Excel; skipped with -NoExcel) Excel opens the copy through COM, the
                    self-test macro answers, every ribbon callback runs through Application.Run
                    (GknbOnCheck, GknbOnFillTotals, GknbOnClearMarks, GknbOnWriteText,
                    GknbOnExportWord, GknbOnHelp), the workbook is saved, closed and reopened
                    with no repair offered, and its macros still run.
    The buttons' message boxes are answered by the workbook name GKNB_VERIFY (see
    addin/GknbLauncher.bas, Say()); the engine used is the one named by -Engine (written into
    the cover's 引擎路径).

    Exit code: 0 all passed, 1 something failed.

.PARAMETER Engine
    gknb-excel.exe to test (default: the installed one, else dist\gknb\gknb-excel.exe).

.PARAMETER Template
    The .xlsm template (default: the installed one, else workbook_template.xlsm of the source tree).

.PARAMETER NoExcel
    Skip the steps that need Excel (the Windows CI runner has no Office).
#>
[CmdletBinding()]
param(
    [string]$Engine = '',
    [string]$Template = '',
    [switch]$NoExcel,
    [switch]$Keep
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
[Console]::OutputEncoding = [Text.Encoding]::UTF8

$Root = Split-Path -Parent $PSScriptRoot
$Results = New-Object System.Collections.ArrayList

function Add-Result([string]$Name, [bool]$Ok, [string]$Detail) {
    [void]$Results.Add([pscustomobject]@{ Step = $Name; Result = $(if ($Ok) { 'PASS' } else { 'FAIL' }); Detail = $Detail })
}

function Invoke-Step([string]$Name, [scriptblock]$Body) {
    # $Body returns a detail string; a throw is a failure with its message.
    try {
        $detail = & $Body
        Add-Result $Name $true ([string]$detail)
    } catch {
        Add-Result $Name $false $_.Exception.Message
    }
}

function Find-First([string[]]$Paths) {
    foreach ($p in $Paths) { if ($p -and (Test-Path -LiteralPath $p)) { return (Resolve-Path -LiteralPath $p).ProviderPath } }
    return $null
}

function Arg([string]$s) {
    # The VBA's Arg() (addin/GknbLauncher.bas) and gknb.launch.quote_arg: the C runtime's
    # quoting, every run of % written outside the quotes so Run's %VAR% expansion finds nothing.
    $r = New-Object System.Text.StringBuilder
    [void]$r.Append('"')
    $slashes = 0
    $i = 0
    while ($i -lt $s.Length) {
        $ch = $s[$i]
        if ($ch -eq '\') { $slashes++ }
        elseif ($ch -eq '"') { [void]$r.Append(('\' * (2 * $slashes + 1)) + '"'); $slashes = 0 }
        elseif ($ch -eq '%') {
            [void]$r.Append(('\' * (2 * $slashes)) + '"')
            while ($i -lt $s.Length -and $s[$i] -eq '%') { [void]$r.Append('%'); $i++ }
            [void]$r.Append('"')
            $slashes = 0
            continue
        } else { [void]$r.Append(('\' * $slashes) + $ch); $slashes = 0 }
        $i++
    }
    [void]$r.Append(('\' * (2 * $slashes)) + '"')
    return $r.ToString()
}

function Read-Result([string]$Path) {
    if (-not (Test-Path -LiteralPath $Path)) { throw "没有结果文件 $Path" }
    $bytes = [IO.File]::ReadAllBytes($Path)
    if ($bytes.Length -lt 2 -or $bytes[0] -ne 0xFF -or $bytes[1] -ne 0xFE) { throw '结果文件没有 UTF-16 LE BOM' }
    return [Text.Encoding]::Unicode.GetString($bytes, 2, $bytes.Length - 2)
}

function Invoke-Engine([string[]]$Arguments) {
    # As the VBA does it: WScript.Shell's Run, hidden, waiting; the answer from the result file.
    $result = Join-Path $script:Work ('答复 ' + [Guid]::NewGuid().ToString('N').Substring(0, 6) + '.txt')
    $line = '"' + $script:Engine + '" ' + (($Arguments + @("--result=$result") | ForEach-Object { Arg $_ }) -join ' ')
    $code = (New-Object -ComObject WScript.Shell).Run($line, 0, $true)
    $text = ''
    if (Test-Path -LiteralPath $result) { $text = Read-Result $result; Remove-Item -LiteralPath $result -Force }
    return [pscustomobject]@{ Code = $code; Text = $text }
}

$Engine = Find-First @($Engine, (Join-Path $env:LOCALAPPDATA 'gknb\gknb-excel.exe'), (Join-Path $Root 'dist\gknb\gknb-excel.exe'))
$Template = Find-First @($Template, (Join-Path $env:LOCALAPPDATA 'gknb\template\workbook_template.xlsm'), (Join-Path $Root 'workbook_template.xlsm'))
if (-not $Engine) { Write-Host '找不到 gknb-excel.exe：请先安装，或用 -Engine 指定。' -ForegroundColor Red; exit 1 }
if (-not $Template) { Write-Host '找不到模板：请用 -Template 指定。' -ForegroundColor Red; exit 1 }
$Hostile = '验收 测试 &%PATH%^!' + [char]::ConvertFromUtf32(0x20000) + [char]0x01C5
$Work = Join-Path ([IO.Path]::GetTempPath()) ('gknb-verify-' + [Guid]::NewGuid().ToString('N').Substring(0, 8))
$Work = Join-Path $Work $Hostile
New-Item -ItemType Directory -Path $Work -Force | Out-Null
$Book = Join-Path $Work ('本局 2025年报 &%TEMP%^!' + [char]0x01C5 + '.xlsm')
Write-Host "引擎：$Engine"
Write-Host "模板：$Template"
Write-Host "工作文件夹：$Work"

function New-Copy {
    Copy-Item -LiteralPath $Template -Destination $Book -Force
    Set-ItemProperty -LiteralPath $Book -Name IsReadOnly -Value $false
}

# ---- the engine: argument/result protocol and the 发送到 path (no Excel needed) --------------

Invoke-Step 'engine-args' {
    $name = Split-Path -Leaf $Book
    $r = Invoke-Engine @('check', "--wb=$name", '--from_xl=1', '--hwnd=0')
    if ($r.Code -ne 1) { throw "退出代码 $($r.Code)：$($r.Text)" }
    if (-not $r.Text.StartsWith("无法连接到 Excel 中的工作簿“$name”")) { throw "名称没有原样到达：$($r.Text)" }
    'the hostile name arrived unchanged; answer in the UTF-16 result file'
}

# A workbook with its cover filled in (the Word report needs the agency's name), made by the
# command-line program beside the engine.
$SendBook = Join-Path $Work ('发送到 2025年报 &%TEMP%^!' + [char]0x01C5 + '.xlsm')
Invoke-Step 'new-workbook' {
    $gknb = Join-Path (Split-Path -Parent $Engine) 'gknb.exe'
    $out = & $gknb new $SendBook --agency '测试局' --year 2025 2>&1 | Out-String
    if ($LASTEXITCODE -ne 0 -or -not (Test-Path -LiteralPath $SendBook)) { throw "gknb new：$out" }
    $out.Trim()
}
Invoke-Step 'sendto-check' {
    $r = Invoke-Engine @('--sendto', 'check', $SendBook, '--no-open')
    if ($r.Code -ne 0 -or $r.Text -notmatch '错误 \d+ 处') { throw "退出代码 $($r.Code)：$($r.Text)" }
    $backup = [IO.Path]::ChangeExtension($SendBook, $null).TrimEnd('.') + '.备份.xlsm'
    if (-not (Test-Path -LiteralPath $backup)) { throw "没有备份 $backup" }
    $r.Text
}
Invoke-Step 'sendto-fill' {
    $r = Invoke-Engine @('--sendto', 'fill', $SendBook, '--no-open')
    if ($r.Code -ne 0) { throw "退出代码 $($r.Code)：$($r.Text)" }
    $r.Text
}
Invoke-Step 'sendto-export' {
    $r = Invoke-Engine @('--sendto', 'export', '--force', $SendBook, '--no-open')
    if ($r.Code -ne 0 -or -not (Get-ChildItem -LiteralPath $Work -Filter '*.docx')) { throw "退出代码 $($r.Code)：$($r.Text)" }
    $r.Text
}
Invoke-Step 'sendto-open-file-refused' {
    $lock = Join-Path $Work ('~$' + (Split-Path -Leaf $SendBook))
    Set-Content -LiteralPath $lock -Value 'owner' -Encoding ASCII
    try {
        $before = (Get-FileHash -LiteralPath $SendBook).Hash
        $r = Invoke-Engine @('--sendto', 'check', $SendBook, '--no-open')
        if ($r.Code -ne 1 -or $r.Text -notmatch '请先保存并关闭') { throw "退出代码 $($r.Code)：$($r.Text)" }
        if ((Get-FileHash -LiteralPath $SendBook).Hash -ne $before) { throw '工作簿被改动了' }
        $r.Text
    } finally { Remove-Item -LiteralPath $lock -Force }
}

# ---- real Excel --------------------------------------------------------------------------------

function Get-RepairLogs { @(Get-ChildItem -LiteralPath ([IO.Path]::GetTempPath()) -Filter 'error*.xml' -ErrorAction SilentlyContinue | ForEach-Object FullName) }

if ($NoExcel) {
    Add-Result 'excel' $true 'skipped (-NoExcel)'
} else {
    $excel = $null
    try {
        $excel = New-Object -ComObject Excel.Application
    } catch {
        Add-Result 'excel-start' $false "Excel 无法通过 COM 启动：$($_.Exception.Message)"
    }
    if ($excel) {
        try {
            $excel.Visible = $true
            $excel.DisplayAlerts = $false
            $excel.AutomationSecurity = 1  # msoAutomationSecurityLow: macros of the opened file run
            New-Copy
            $repairsBefore = Get-RepairLogs
            $wb = $excel.Workbooks.Open($Book)
            $wb.Names.Add('GKNB_VERIFY', '="yes"', $false) | Out-Null
            $wb.Names.Item('GK_ENGINE').RefersToRange.Value2 = $Engine
            $wb.Names.Item('GK_AGENCY').RefersToRange.Value2 = '测试局'  # the Word report needs it
            $wb.Names.Item('GK_YEAR').RefersToRange.Value2 = 2025
            $macro = { param($Name, $Arg) if ($null -eq $Arg) { $excel.Run("'$($wb.Name)'!$Name") } else { $excel.Run("'$($wb.Name)'!$Name", $Arg) } }

            Invoke-Step 'excel-selftest' {
                $s = & $macro 'GknbSelfTestResult'
                if ($s -notmatch '^gknb-selftest sheets=\d+ .* write=gknb-marker restored=yes title=5E7462A552A9624B help=shtReadme') { throw $s }
                $s
            }
            foreach ($step in @(
                    @('GknbOnCheck', '^校验完成：错误 \d+ 处'),
                    @('GknbOnFillTotals', '合计'),
                    @('GknbOnClearMarks', '^已清除 \d+ 个单元格的校验标记'),
                    @('GknbOnWriteText', ''),
                    @('GknbOnExportWord', '^已导出 Word：'))) {
                $name, $expect = $step
                Invoke-Step "excel-$name" {
                    & $macro $name $wb | Out-Null
                    $m = [string](& $macro 'GknbLastMessage')
                    if ($expect -and $m -notmatch $expect) { throw "消息：$m" }
                    if ($m -match '内部错误|无法启动|没有给出结果|运行出错') { throw "消息：$m" }
                    $m
                }
            }
            Invoke-Step 'excel-GknbOnHelp' {
                & $macro 'GknbOnHelp' $wb | Out-Null
                if ($excel.ActiveSheet.CodeName -ne 'shtReadme') { throw "当前工作表：$($excel.ActiveSheet.Name)" }
                $excel.ActiveSheet.Name
            }
            Invoke-Step 'excel-save-reopen' {
                $wb.Names.Item('GKNB_VERIFY').Delete()
                $wb.Save()
                $wb.Close($false)
                $wb = $excel.Workbooks.Open($Book)
                $caption = [string]$excel.ActiveWindow.Caption
                $new = @(Get-RepairLogs | Where-Object { $repairsBefore -notcontains $_ })
                if ($caption -match 'Repaired|修复' -or $new.Count -gt 0) { throw "Excel 修复了文件：$caption $($new -join ', ')" }
                $s = $excel.Run("'$($wb.Name)'!GknbSelfTestResult")
                if ($s -notmatch 'restored=yes') { throw "重新打开后宏不能运行：$s" }
                $wb.Close($false)
                "reopened without repair: $caption"
            }
        } catch {
            Add-Result 'excel' $false $_.Exception.Message
        } finally {
            $excel.DisplayAlerts = $false
            foreach ($b in @($excel.Workbooks)) { $b.Close($false) }
            $excel.Quit()
            [void][Runtime.InteropServices.Marshal]::ReleaseComObject($excel)
        }
    }
}

# ---- the table ---------------------------------------------------------------------------------

$Results | Format-Table -AutoSize -Wrap Step, Result, Detail | Out-String -Width 200 | Write-Host
$failed = @($Results | Where-Object Result -eq 'FAIL').Count
if (-not $Keep) { Remove-Item -LiteralPath (Split-Path -Parent $Work) -Recurse -Force -ErrorAction SilentlyContinue }
if ($failed) {
    Write-Host "$failed 项未通过。" -ForegroundColor Red
    exit 1
}
Write-Host '全部通过。' -ForegroundColor Green
exit 0
