<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AlertCard</name>
    <message>
        <source>Copy script</source>
        <translation>复制话术</translation>
    </message>
    <message>
        <source>Copy what to say instead (Ctrl+0: the newest alert)</source>
        <translation>复制建议的说法（Ctrl+0：最新一条提醒）</translation>
    </message>
    <message>
        <source>Copy the advised script: {title}</source>
        <translation>复制建议话术：{title}</translation>
    </message>
    <message>
        <source>Dismiss the alert</source>
        <translation>关闭提醒</translation>
    </message>
    <message>
        <source>Say: {advice}</source>
        <translation>建议：{advice}</translation>
    </message>
</context>
<context>
    <name>AudioBar</name>
    <message>
        <source>This PC: microphone + softphone</source>
        <translation>本机：麦克风 + 软电话</translation>
    </message>
    <message>
        <source>Network stream from the phone system</source>
        <translation>话务系统网络音频流</translation>
    </message>
    <message>
        <source>Audio source</source>
        <translation>音源</translation>
    </message>
    <message>
        <source>Microphone (agent side)</source>
        <translation>麦克风（坐席侧）</translation>
    </message>
    <message>
        <source>Softphone output (customer side)</source>
        <translation>软电话输出（客户侧）</translation>
    </message>
    <message>
        <source>Swap sides</source>
        <translation>左右互换</translation>
    </message>
    <message>
        <source>Swap the agent and customer sides</source>
        <translation>互换坐席和客户两侧</translation>
    </message>
    <message>
        <source>Use when the customer shows up as the agent (a stereo file or a headset)</source>
        <translation>客户的话显示成坐席时使用（立体声文件或耳麦）</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>List the audio devices again</source>
        <translation>重新列出音频设备</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>音源</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
</context>
<context>
    <name>CallSummaryView</name>
    <message>
        <source>Disposition</source>
        <translation>处理结果</translation>
    </message>
    <message>
        <source>Call summary</source>
        <translation>通话小结</translation>
    </message>
    <message>
        <source>Call summary, one point per line</source>
        <translation>通话小结，每行一条</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Save the summary</source>
        <translation>保存小结</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Export the call record</source>
        <translation>导出通话记录</translation>
    </message>
    <message>
        <source>Call summary · {topic} · QA score {score}</source>
        <translation>通话小结 · {topic} · 质检分 {score}</translation>
    </message>
    <message>
        <source>Export the call</source>
        <translation>导出通话记录</translation>
    </message>
</context>
<context>
    <name>CheckRow</name>
    <message>
        <source>Passed</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>提醒</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Install…</source>
        <translation>安装…</translation>
    </message>
    <message>
        <source>Install {name}</source>
        <translation>安装 {name}</translation>
    </message>
    <message>
        <source>From a folder…</source>
        <translation>从文件夹安装…</translation>
    </message>
    <message>
        <source>From a zip file…</source>
        <translation>从 zip 文件安装…</translation>
    </message>
    <message>
        <source>Download ({size} MB)</source>
        <translation>下载（{size} MB）</translation>
    </message>
</context>
<context>
    <name>ChecklistView</name>
    <message>
        <source>Required steps</source>
        <translation>必要步骤</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步骤</translation>
    </message>
</context>
<context>
    <name>ContentsView</name>
    <message>
        <source>Filter by id, topic, title, text or customer phrasing  (Ctrl+F)</source>
        <translation>按编号、主题、标题、正文或客户问法筛选  (Ctrl+F)</translation>
    </message>
    <message>
        <source>Filter entries and scripts</source>
        <translation>筛选知识条目和话术</translation>
    </message>
    <message>
        <source>Rows shown</source>
        <translation>显示的行数</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Answer or script text</source>
        <translation>答案或话术正文</translation>
    </message>
    <message>
        <source>Knowledge entries and scripts</source>
        <translation>知识条目和话术</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>知识</translation>
    </message>
    <message>
        <source>Script</source>
        <translation>话术</translation>
    </message>
    <message>
        <source>{shown} of {total} shown</source>
        <translation>显示 {shown} / 共 {total} 条</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Agent Assist: checking this workstation</source>
        <translation>坐席助手：检查本机环境</translation>
    </message>
    <message>
        <source>Before the first call</source>
        <translation>首次通话前的检查</translation>
    </message>
    <message>
        <source>Agent Assist checks what it needs on this computer. Fix the problems marked ✗; the warnings marked ⚠ can wait.</source>
        <translation>坐席助手正在检查本机所需的组件。请先解决标记为 ✗ 的问题；标记为 ⚠ 的提醒可以稍后处理。</translation>
    </message>
    <message>
        <source>What was checked</source>
        <translation>检查结果</translation>
    </message>
    <message>
        <source>Installation progress</source>
        <translation>安装进度</translation>
    </message>
    <message>
        <source>Cancel install</source>
        <translation>取消安装</translation>
    </message>
    <message>
        <source>Cancel the model installation</source>
        <translation>取消安装模型</translation>
    </message>
    <message>
        <source>Check again</source>
        <translation>重新检查</translation>
    </message>
    <message>
        <source>Run the checks again</source>
        <translation>重新运行检查</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Continue to the panel</source>
        <translation>继续打开面板</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <source>Installing {name}…</source>
        <translation>正在安装 {name}…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Installed {name}.</source>
        <translation>{name} 已安装。</translation>
    </message>
    <message>
        <source>The checks could not run: {error}</source>
        <translation>无法运行检查：{error}</translation>
    </message>
    <message>
        <source>Cancelled: nothing was installed.</source>
        <translation>已取消：没有安装任何内容。</translation>
    </message>
    <message>
        <source>The install failed: {error}</source>
        <translation>安装失败：{error}</translation>
    </message>
    <message>
        <source>{errors} problem(s) to fix, {warnings} warning(s).</source>
        <translation>{errors} 个问题需要解决，{warnings} 个提醒。</translation>
    </message>
    <message>
        <source>Ready, with {warnings} warning(s).</source>
        <translation>可以使用，另有 {warnings} 个提醒。</translation>
    </message>
    <message>
        <source>Everything is in place.</source>
        <translation>一切就绪。</translation>
    </message>
    <message>
        <source>Speech model</source>
        <translation>语音识别模型</translation>
    </message>
    <message>
        <source>Embedding model</source>
        <translation>语义模型</translation>
    </message>
    <message>
        <source>Script pack</source>
        <translation>知识包</translation>
    </message>
    <message>
        <source>Search index</source>
        <translation>检索索引</translation>
    </message>
    <message>
        <source>Microphone (agent side)</source>
        <translation>麦克风（坐席侧）</translation>
    </message>
    <message>
        <source>Loopback (customer side)</source>
        <translation>回环音源（客户侧）</translation>
    </message>
    <message>
        <source>Network stream token</source>
        <translation>网络音频流令牌</translation>
    </message>
    <message>
        <source>Network listener</source>
        <translation>网络监听</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <source>Log folder</source>
        <translation>日志文件夹</translation>
    </message>
    <message>
        <source>Call record</source>
        <translation>通话记录</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Press Install… and choose the model&apos;s folder or zip file copied to this computer, or download it. IT can also run: {command}</source>
        <translation>点击“安装…”，选择已复制到本机的模型文件夹或 zip 文件，或直接下载。IT 也可以运行：{command}</translation>
    </message>
    <message>
        <source>Choose the folder of {name}</source>
        <translation>选择 {name} 所在的文件夹</translation>
    </message>
    <message>
        <source>Choose the zip file of {name}</source>
        <translation>选择 {name} 的 zip 文件</translation>
    </message>
    <message>
        <source>Model archives (*.zip *.whl)</source>
        <translation>模型压缩包 (*.zip *.whl)</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>知识</translation>
    </message>
    <message>
        <source>Script</source>
        <translation>话术</translation>
    </message>
    <message>
        <source>Early repayment</source>
        <translation>提前还款</translation>
    </message>
    <message>
        <source>Repayment not credited</source>
        <translation>还款未入账</translation>
    </message>
    <message>
        <source>Overdue fees</source>
        <translation>逾期费用</translation>
    </message>
    <message>
        <source>Credit report</source>
        <translation>征信</translation>
    </message>
    <message>
        <source>Credit limit</source>
        <translation>额度</translation>
    </message>
    <message>
        <source>Interest rate</source>
        <translation>利率</translation>
    </message>
    <message>
        <source>Instalments</source>
        <translation>分期</translation>
    </message>
    <message>
        <source>Bill</source>
        <translation>账单</translation>
    </message>
    <message>
        <source>Refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <source>Account security</source>
        <translation>账户安全</translation>
    </message>
    <message>
        <source>Fraud</source>
        <translation>防诈骗</translation>
    </message>
    <message>
        <source>Hardship</source>
        <translation>还款困难</translation>
    </message>
    <message>
        <source>Account closure</source>
        <translation>注销</translation>
    </message>
    <message>
        <source>Complaint</source>
        <translation>投诉</translation>
    </message>
    <message>
        <source>Identity check</source>
        <translation>身份核实</translation>
    </message>
    <message>
        <source>Promotions</source>
        <translation>优惠活动</translation>
    </message>
    <message>
        <source>Loan application</source>
        <translation>借款申请</translation>
    </message>
    <message>
        <source>Contact details</source>
        <translation>信息变更</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Compliance</source>
        <translation>合规</translation>
    </message>
    <message>
        <source>Privacy</source>
        <translation>隐私</translation>
    </message>
    <message>
        <source>Risk</source>
        <translation>风险</translation>
    </message>
    <message>
        <source>Emotion</source>
        <translation>情绪</translation>
    </message>
    <message>
        <source>Collections</source>
        <translation>催收</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步骤</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>已解答</translation>
    </message>
    <message>
        <source>Promised to pay</source>
        <translation>承诺还款</translation>
    </message>
    <message>
        <source>No promise to pay</source>
        <translation>未承诺还款</translation>
    </message>
    <message>
        <source>Escalated to risk</source>
        <translation>转风险处理</translation>
    </message>
    <message>
        <source>Unresolved</source>
        <translation>未解决</translation>
    </message>
    <message>
        <source>Call back</source>
        <translation>需回电</translation>
    </message>
    <message>
        <source>Amounts</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Dates</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Rates</source>
        <translation>利率</translation>
    </message>
</context>
<context>
    <name>LoadProgress</name>
    <message>
        <source>Checking script pack</source>
        <translation>正在检查知识包</translation>
    </message>
    <message>
        <source>Loading embedding model</source>
        <translation>正在加载语义模型</translation>
    </message>
    <message>
        <source>Building index</source>
        <translation>正在建立索引</translation>
    </message>
    <message>
        <source>Loading index</source>
        <translation>正在加载索引</translation>
    </message>
    <message>
        <source>Warming up</source>
        <translation>正在预热</translation>
    </message>
    <message>
        <source>Preparing guidance rules</source>
        <translation>正在准备提醒规则</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Agent Assist</source>
        <translation>坐席助手</translation>
    </message>
    <message>
        <source>Search the knowledge base: type a question, Enter  Ctrl+F</source>
        <translation>搜索知识库：输入客户的问题后回车  Ctrl+F</translation>
    </message>
    <message>
        <source>Search the knowledge base</source>
        <translation>搜索知识库</translation>
    </message>
    <message>
        <source>Suggestions</source>
        <translation>建议</translation>
    </message>
    <message>
        <source>Transcript</source>
        <translation>通话转写</translation>
    </message>
    <message>
        <source>Take call</source>
        <translation>接入通话</translation>
    </message>
    <message>
        <source>Take a live call</source>
        <translation>接入实时通话</translation>
    </message>
    <message>
        <source>Listen to the microphone and the softphone (or the network stream)</source>
        <translation>收听麦克风和软电话（或网络音频流）</translation>
    </message>
    <message>
        <source>Replay…</source>
        <translation>回放…</translation>
    </message>
    <message>
        <source>Replay a call file</source>
        <translation>回放通话文件</translation>
    </message>
    <message>
        <source>Replay a call script (.yaml) or recording (.wav)</source>
        <translation>回放通话脚本（.yaml）或录音（.wav）</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop the call</source>
        <translation>结束通话</translation>
    </message>
    <message>
        <source>Audio</source>
        <translation>音频</translation>
    </message>
    <message>
        <source>Choose the audio source and devices</source>
        <translation>选择音源和设备</translation>
    </message>
    <message>
        <source>Audio source, devices and channel swap</source>
        <translation>音源、设备和声道互换</translation>
    </message>
    <message>
        <source>On top</source>
        <translation>置顶</translation>
    </message>
    <message>
        <source>Keep the panel on top</source>
        <translation>窗口置顶</translation>
    </message>
    <message>
        <source>Keep the panel above other windows</source>
        <translation>让面板保持在其他窗口之上</translation>
    </message>
    <message>
        <source>Dock</source>
        <translation>贴边</translation>
    </message>
    <message>
        <source>Dock to the screen edge</source>
        <translation>贴到屏幕边缘</translation>
    </message>
    <message>
        <source>Dock the panel to the nearer screen edge</source>
        <translation>把面板贴到最近的屏幕边缘</translation>
    </message>
    <message>
        <source>Setup</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Settings and workstation check</source>
        <translation>设置与本机检查</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>Check this workstation…</source>
        <translation>检查本机环境…</translation>
    </message>
    <message>
        <source>Audio warning</source>
        <translation>音频提示</translation>
    </message>
    <message>
        <source>Reconnect</source>
        <translation>重新连接</translation>
    </message>
    <message>
        <source>Reconnect the audio</source>
        <translation>重新连接音频</translation>
    </message>
    <message>
        <source>{side} level</source>
        <translation>{side}音量</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>In call</source>
        <translation>通话中</translation>
    </message>
    <message>
        <source>Cannot start</source>
        <translation>无法启动</translation>
    </message>
    <message>
        <source>Pack {pack} v{version} · speech {speech} · meaning {model}</source>
        <translation>知识包 {pack} v{version} · 语音 {speech} · 语义 {model}</translation>
    </message>
    <message>
        <source>speech→cards {total} ms (embed {embed} ms · search {search} ms)</source>
        <translation>转写→卡片 {total} ms（向量 {embed} ms · 检索 {search} ms）</translation>
    </message>
    <message>
        <source>Replay a call</source>
        <translation>回放通话</translation>
    </message>
    <message>
        <source>Call script or recording (*.yaml *.yml *.wav *.flac)</source>
        <translation>通话脚本或录音 (*.yaml *.yml *.wav *.flac)</translation>
    </message>
</context>
<context>
    <name>PackManagerWindow</name>
    <message>
        <source>Pack manager — Agent Assist</source>
        <translation>知识包管理 — 坐席助手</translation>
    </message>
    <message>
        <source>Pack summary</source>
        <translation>知识包概况</translation>
    </message>
    <message>
        <source>Loading progress</source>
        <translation>加载进度</translation>
    </message>
    <message>
        <source>Pack manager sections</source>
        <translation>知识包管理分区</translation>
    </message>
    <message>
        <source>Sections (Ctrl+1 to Ctrl+4)</source>
        <translation>分区（Ctrl+1 至 Ctrl+4）</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Contents</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Try a phrase</source>
        <translation>试一句话</translation>
    </message>
    <message>
        <source>Workstations</source>
        <translation>坐席电脑</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Path of a pack folder or zip; press Enter to open it</source>
        <translation>知识包文件夹或 zip 的路径，按回车打开</translation>
    </message>
    <message>
        <source>Pack folder or zip</source>
        <translation>知识包文件夹或 zip</translation>
    </message>
    <message>
        <source>Open folder…</source>
        <translation>打开文件夹…</translation>
    </message>
    <message>
        <source>Open a pack folder</source>
        <translation>打开知识包文件夹</translation>
    </message>
    <message>
        <source>Open a pack folder (Ctrl+O)</source>
        <translation>打开知识包文件夹（Ctrl+O）</translation>
    </message>
    <message>
        <source>Open zip…</source>
        <translation>打开 zip…</translation>
    </message>
    <message>
        <source>Open a pack zip</source>
        <translation>打开知识包 zip</translation>
    </message>
    <message>
        <source>Open a pack zip (Ctrl+Shift+O)</source>
        <translation>打开知识包 zip（Ctrl+Shift+O）</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>重新加载</translation>
    </message>
    <message>
        <source>Check the pack again</source>
        <translation>重新校验知识包</translation>
    </message>
    <message>
        <source>Check the pack again after editing it (Ctrl+R)</source>
        <translation>修改后重新校验知识包（Ctrl+R）</translation>
    </message>
    <message>
        <source>No pack open. Open a pack folder (Ctrl+O) or zip.</source>
        <translation>尚未打开知识包。请打开知识包文件夹（Ctrl+O）或 zip。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在校验…</translation>
    </message>
    <message>
        <source>The pack is being checked…</source>
        <translation>正在校验知识包…</translation>
    </message>
    <message>
        <source>Checking {path}…</source>
        <translation>正在校验 {path}…</translation>
    </message>
    <message>
        <source>Pack zip (*.zip)</source>
        <translation>知识包 zip (*.zip)</translation>
    </message>
    <message>
        <source>Could not try the phrase: {error}</source>
        <translation>无法试这句话：{error}</translation>
    </message>
    <message>
        <source>Loading the model and building the index…</source>
        <translation>正在加载模型并建立索引…</translation>
    </message>
    <message>
        <source>{id} · version {version} · {title}</source>
        <translation>{id} · 版本 {version} · {title}</translation>
    </message>
    <message>
        <source>Owner {owner} · {entries} knowledge entries · {scripts} scripts · {rules} guidance rules · digest {digest}</source>
        <translation>维护人 {owner} · 知识条目 {entries} 条 · 话术 {scripts} 条 · 提醒规则 {rules} 条 · 摘要 {digest}</translation>
    </message>
    <message>
        <source>Ready: index built with {model}. Try a phrase (Ctrl+L).</source>
        <translation>已就绪：索引由 {model} 建立。可以试一句话（Ctrl+L）。</translation>
    </message>
    <message>
        <source>Type a phrase and press Enter.</source>
        <translation>输入一句话后按回车。</translation>
    </message>
    <message>
        <source>{path} cannot be loaded: {count} problem(s).</source>
        <translation>{path} 无法加载：有 {count} 个问题。</translation>
    </message>
    <message>
        <source>Fix the pack&apos;s problems first.</source>
        <translation>请先修正知识包中的问题。</translation>
    </message>
    <message>
        <source>Cannot load the model or index: {error}</source>
        <translation>无法加载模型或索引：{error}</translation>
    </message>
    <message>
        <source>Validating the pack files…</source>
        <translation>正在校验知识包文件…</translation>
    </message>
    <message>
        <source>Checking the pack…</source>
        <translation>正在检查知识包…</translation>
    </message>
    <message>
        <source>Loading the embedding model…</source>
        <translation>正在加载语义模型…</translation>
    </message>
    <message>
        <source>Building the index…</source>
        <translation>正在建立索引…</translation>
    </message>
    <message>
        <source>Loading the index…</source>
        <translation>正在加载索引…</translation>
    </message>
    <message>
        <source>Preparing the guidance rules…</source>
        <translation>正在准备实时提醒规则…</translation>
    </message>
    <message>
        <source>Almost ready…</source>
        <translation>马上就好…</translation>
    </message>
    <message>
        <source>Looking for entries that mean the same thing…</source>
        <translation>正在查找意思重复的条目…</translation>
    </message>
    <message>
        <source>Problems ({count})</source>
        <translation>问题（{count}）</translation>
    </message>
</context>
<context>
    <name>PhraseView</name>
    <message>
        <source>What the phrase brings up</source>
        <translation>这句话会带出的内容</translation>
    </message>
    <message>
        <source>Entries the phrase surfaces</source>
        <translation>这句话匹配到的条目</translation>
    </message>
    <message>
        <source>Guidance alerts</source>
        <translation>实时提醒</translation>
    </message>
    <message>
        <source>If said by</source>
        <translation>如果出自</translation>
    </message>
    <message>
        <source>Detector</source>
        <translation>检测项</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Guidance alerts the phrase raises</source>
        <translation>这句话会触发的实时提醒</translation>
    </message>
    <message>
        <source>Open a pack first.</source>
        <translation>请先打开一个知识包。</translation>
    </message>
    <message>
        <source>Type what a customer or an agent might say, then press Enter  (Ctrl+L)</source>
        <translation>输入客户或坐席可能说的话，按回车试一试  (Ctrl+L)</translation>
    </message>
    <message>
        <source>Phrase to try</source>
        <translation>要试的话</translation>
    </message>
    <message>
        <source>Try</source>
        <translation>试一试</translation>
    </message>
    <message>
        <source>Try the phrase</source>
        <translation>试这句话</translation>
    </message>
    <message>
        <source>rank · score</source>
        <translation>名次 · 得分</translation>
    </message>
    <message>
        <source>Dense</source>
        <translation>语义</translation>
    </message>
    <message>
        <source>Lexical</source>
        <translation>关键词</translation>
    </message>
    <message>
        <source>Fused</source>
        <translation>融合</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>卡片</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Cosine</source>
        <translation>相似度</translation>
    </message>
    <message>
        <source>Matched phrasing</source>
        <translation>匹配到的问法</translation>
    </message>
    <message>
        <source>Whether the agent would see this entry as a card</source>
        <translation>坐席是否会看到这张卡片</translation>
    </message>
    <message>
        <source>Cosine of the best phrasing plus {weight} × the second best</source>
        <translation>最相近问法的相似度，加上次相近问法的 {weight} 倍</translation>
    </message>
    <message>
        <source>BM25 over words and character pairs, relative to the best match</source>
        <translation>按词和相邻字计算的 BM25 得分，相对于最佳匹配</translation>
    </message>
    <message>
        <source>Dense plus {weight} × lexical: what the app ranks cards by</source>
        <translation>语义得分加关键词得分的 {weight} 倍：坐席端按此排序卡片</translation>
    </message>
    <message>
        <source>Cosine of the best matching phrasing; cards need the threshold</source>
        <translation>最相近问法的余弦相似度；达到阈值才显示卡片</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>正在检索…</translation>
    </message>
    <message>
        <source>The agent would see {shown} card(s). Cards are ranked by {method} and shown when the best phrasing&apos;s cosine reaches {threshold:.2f} (at most {top_k}).</source>
        <translation>坐席会看到 {shown} 张卡片。卡片按{method}得分排序，最相近问法的相似度达到 {threshold:.2f} 才显示（最多 {top_k} 张）。</translation>
    </message>
    <message>
        <source>Guidance alerts ({count})</source>
        <translation>实时提醒（{count}）</translation>
    </message>
    <message>
        <source>Guidance alerts: none for this phrase</source>
        <translation>实时提醒：这句话不会触发提醒</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>知识</translation>
    </message>
    <message>
        <source>Script</source>
        <translation>话术</translation>
    </message>
    <message>
        <source>✓ Shown</source>
        <translation>✓ 会显示</translation>
    </message>
    <message>
        <source>Below threshold</source>
        <translation>低于阈值</translation>
    </message>
    <message>
        <source>Not in the top cards</source>
        <translation>未进前几张卡片</translation>
    </message>
    <message>
        <source>dense</source>
        <translation>语义</translation>
    </message>
    <message>
        <source>lexical</source>
        <translation>关键词</translation>
    </message>
    <message>
        <source>fused</source>
        <translation>融合</translation>
    </message>
    <message>
        <source>not found</source>
        <translation>未检索到</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Compliance</source>
        <translation>合规</translation>
    </message>
    <message>
        <source>Privacy ask</source>
        <translation>索要隐私信息</translation>
    </message>
    <message>
        <source>Risk</source>
        <translation>风险</translation>
    </message>
    <message>
        <source>Emotion</source>
        <translation>情绪</translation>
    </message>
    <message>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>中</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>Angry</source>
        <translation>愤怒</translation>
    </message>
    <message>
        <source>Distressed</source>
        <translation>焦虑无助</translation>
    </message>
</context>
<context>
    <name>ProblemsView</name>
    <message>
        <source>Validation summary</source>
        <translation>校验结果</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Field or entry</source>
        <translation>字段或条目</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Problems found in the pack</source>
        <translation>知识包中发现的问题</translation>
    </message>
    <message>
        <source>Open a pack to check it.</source>
        <translation>打开知识包即可校验。</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>{count} problem(s) stop this pack from loading. Fix them in the files named below and press Reload (Ctrl+R).</source>
        <translation>有 {count} 个问题导致知识包无法加载。请在下面列出的文件中修改，然后点“重新加载”（Ctrl+R）。</translation>
    </message>
    <message>
        <source>The pack is valid. {count} warning(s) are worth a look before you publish it.</source>
        <translation>知识包校验通过。发布前建议查看 {count} 条警告。</translation>
    </message>
    <message>
        <source>The pack is valid and has no warnings.</source>
        <translation>知识包校验通过，没有警告。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Agent Assist settings</source>
        <translation>坐席助手设置</translation>
    </message>
    <message>
        <source>Settings sections</source>
        <translation>设置分类</translation>
    </message>
    <message>
        <source>Settings groups</source>
        <translation>设置分组</translation>
    </message>
    <message>
        <source>Audio</source>
        <translation>音频</translation>
    </message>
    <message>
        <source>Models and knowledge</source>
        <translation>模型与知识</translation>
    </message>
    <message>
        <source>Privacy and record</source>
        <translation>隐私与记录</translation>
    </message>
    <message>
        <source>Interface and team</source>
        <translation>界面与团队</translation>
    </message>
    <message>
        <source>Audio and speech model changes apply from the next call. Everything else takes effect when Agent Assist is restarted.</source>
        <translation>音频和语音识别模型的修改从下一通电话开始生效；其他修改需重新启动坐席助手后生效。</translation>
    </message>
    <message>
        <source>Save the settings</source>
        <translation>保存设置</translation>
    </message>
    <message>
        <source>Close without saving</source>
        <translation>不保存并关闭</translation>
    </message>
    <message>
        <source>Headset and softphone on this computer</source>
        <translation>本机耳麦和软电话</translation>
    </message>
    <message>
        <source>Stream from the telephony platform</source>
        <translation>话务平台的网络音频流</translation>
    </message>
    <message>
        <source>Call audio</source>
        <translation>通话音源</translation>
    </message>
    <message>
        <source>Microphone (agent)</source>
        <translation>麦克风（坐席）</translation>
    </message>
    <message>
        <source>Loopback (customer)</source>
        <translation>回环音源（客户）</translation>
    </message>
    <message>
        <source>Looking for audio devices…</source>
        <translation>正在查找音频设备…</translation>
    </message>
    <message>
        <source>Swap agent and customer sides</source>
        <translation>互换坐席和客户两侧</translation>
    </message>
    <message>
        <source>Speech model</source>
        <translation>语音识别模型</translation>
    </message>
    <message>
        <source>Embedding model</source>
        <translation>语义模型</translation>
    </message>
    <message>
        <source>Script pack</source>
        <translation>知识包</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>选择文件夹…</translation>
    </message>
    <message>
        <source>Cards shown</source>
        <translation>显示卡片数</translation>
    </message>
    <message>
        <source>Lowest match score (0–1)</source>
        <translation>最低匹配分（0–1）</translation>
    </message>
    <message>
        <source>Calibrated for the embedding model</source>
        <translation>按语义模型校准的默认值</translation>
    </message>
    <message>
        <source>Mask ID, card and phone numbers in the live transcript</source>
        <translation>在实时转写中隐藏身份证号、卡号和手机号</translation>
    </message>
    <message>
        <source>Last digits left visible</source>
        <translation>保留末尾位数</translation>
    </message>
    <message>
        <source>Keep a record of every call</source>
        <translation>保存每通电话的记录</translation>
    </message>
    <message>
        <source>Call record file</source>
        <translation>通话记录文件</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <source>Keep the panel above other windows</source>
        <translation>让面板保持在其他窗口之上</translation>
    </message>
    <message>
        <source>Team status folder</source>
        <translation>团队状态文件夹</translation>
    </message>
    <message>
        <source>Not shared</source>
        <translation>不共享</translation>
    </message>
    <message>
        <source>Workstation name</source>
        <translation>工位名称</translation>
    </message>
    <message>
        <source>This computer&apos;s name</source>
        <translation>本机名称</translation>
    </message>
    <message>
        <source>Locked by IT in the machine-wide settings</source>
        <translation>已由 IT 在本机统一设置中锁定</translation>
    </message>
    <message>
        <source>(locked by IT)</source>
        <translation>（IT 已锁定）</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <source>A model name, or the folder of a model</source>
        <translation>模型名称，或模型所在的文件夹</translation>
    </message>
    <message>
        <source>One folder or zip file per line</source>
        <translation>每行一个文件夹或 zip 文件</translation>
    </message>
    <message>
        <source>Team packs</source>
        <translation>团队知识包</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <source>Choose: {field}</source>
        <translation>选择：{field}</translation>
    </message>
    <message>
        <source>Correct the values marked in red: nothing was saved.</source>
        <translation>请修改标红的内容：设置尚未保存。</translation>
    </message>
    <message>
        <source>No audio devices could be listed: {error}</source>
        <translation>无法列出音频设备：{error}</translation>
    </message>
    <message>
        <source>The settings were not saved: {error}</source>
        <translation>设置未保存：{error}</translation>
    </message>
    <message>
        <source>{count} audio device(s) found.</source>
        <translation>找到 {count} 个音频设备。</translation>
    </message>
    <message>
        <source>{value} (matches {device})</source>
        <translation>{value}（对应 {device}）</translation>
    </message>
    <message>
        <source>{value} (not found)</source>
        <translation>{value}（未找到）</translation>
    </message>
</context>
<context>
    <name>SetupDialogs</name>
    <message>
        <source>Settings saved: restart the panel to apply them.</source>
        <translation>设置已保存：重启面板后生效。</translation>
    </message>
</context>
<context>
    <name>SuggestionCard</name>
    <message>
        <source>Suggestion {rank}: {title}</source>
        <translation>建议 {rank}：{title}</translation>
    </message>
    <message>
        <source>match {score}</source>
        <translation>匹配度 {score}</translation>
    </message>
    <message>
        <source>Closest phrasing: {text}</source>
        <translation>最接近的问法：{text}</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy suggestion {rank}</source>
        <translation>复制建议 {rank}</translation>
    </message>
    <message>
        <source>Show all</source>
        <translation>展开全文</translation>
    </message>
    <message>
        <source>Show the full text of suggestion {rank}</source>
        <translation>展开建议 {rank} 的全文</translation>
    </message>
    <message>
        <source>Helpful</source>
        <translation>有用</translation>
    </message>
    <message>
        <source>This suggestion helped</source>
        <translation>这条建议有用</translation>
    </message>
    <message>
        <source>Not helpful</source>
        <translation>没用</translation>
    </message>
    <message>
        <source>This suggestion did not help</source>
        <translation>这条建议没用</translation>
    </message>
    <message>
        <source>Show less</source>
        <translation>收起</translation>
    </message>
    <message>
        <source>Copied ✓</source>
        <translation>已复制 ✓</translation>
    </message>
</context>
<context>
    <name>SuggestionPanel</name>
    <message>
        <source>Suggestions</source>
        <translation>建议</translation>
    </message>
    <message>
        <source>When the customer asks something, answers and scripts ready to use appear here.</source>
        <translation>客户提问后，这里会出现可直接使用的答案和话术。</translation>
    </message>
    <message>
        <source>For the customer: “{text}”</source>
        <translation>针对客户：“{text}”</translation>
    </message>
    <message>
        <source>Nothing matches “{text}”. Try other words.</source>
        <translation>没有找到与“{text}”匹配的答案，换个说法试试。</translation>
    </message>
</context>
<context>
    <name>TranscriptView</name>
    <message>
        <source>Live transcript</source>
        <translation>通话转写</translation>
    </message>
</context>
<context>
    <name>WorkstationsView</name>
    <message>
        <source>Team status folder</source>
        <translation>团队状态文件夹</translation>
    </message>
    <message>
        <source>Refresh  (F5)</source>
        <translation>刷新  (F5)</translation>
    </message>
    <message>
        <source>Refresh the workstation list</source>
        <translation>刷新坐席电脑列表</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <source>Computer</source>
        <translation>计算机</translation>
    </message>
    <message>
        <source>App version</source>
        <translation>程序版本</translation>
    </message>
    <message>
        <source>Pack</source>
        <translation>知识包</translation>
    </message>
    <message>
        <source>Pack version</source>
        <translation>知识包版本</translation>
    </message>
    <message>
        <source>Matches the loaded pack</source>
        <translation>与当前知识包是否一致</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最近上报</translation>
    </message>
    <message>
        <source>Workstations and their pack versions</source>
        <translation>各坐席电脑及其知识包版本</translation>
    </message>
    <message>
        <source>No team folder is set, so workstations cannot report their pack version. Choose a shared folder every workstation can write, and set it on each one: status_dir = &quot;&lt;folder&gt;&quot; under [team] in settings.toml, or the environment variable AGENT_ASSIST_TEAM__STATUS_DIR.</source>
        <translation>尚未设置团队文件夹，坐席电脑无法上报知识包版本。请选一个所有坐席电脑都能写入的共享文件夹，并在每台电脑上设置：在 settings.toml 的 [team] 下写 status_dir = &quot;&lt;文件夹&gt;&quot;，或设置环境变量 AGENT_ASSIST_TEAM__STATUS_DIR。</translation>
    </message>
    <message>
        <source>Workstations report to {folder}</source>
        <translation>坐席电脑上报到 {folder}</translation>
    </message>
    <message>
        <source>Another pack</source>
        <translation>其他知识包</translation>
    </message>
    <message>
        <source>✓ Same version</source>
        <translation>✓ 版本一致</translation>
    </message>
    <message>
        <source>⚠ Same version number, different files</source>
        <translation>⚠ 版本号相同，但文件不同</translation>
    </message>
    <message>
        <source>Newer than the loaded pack ({version})</source>
        <translation>比当前知识包（{version}）新</translation>
    </message>
    <message>
        <source>⚠ Outdated: loaded pack is {version}</source>
        <translation>⚠ 版本过旧：当前知识包为 {version}</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <source>{minutes} min ago</source>
        <translation>{minutes} 分钟前</translation>
    </message>
    <message>
        <source>{hours} h ago</source>
        <translation>{hours} 小时前</translation>
    </message>
    <message>
        <source>{days} days ago</source>
        <translation>{days} 天前</translation>
    </message>
</context>
</TS>
